#include "diagnostic.hpp"

namespace genevent {

namespace {

std::string format(const std::string& file, long line, const std::string& message) {
    std::string text = file;
    if (line > 0) {
        text += ':';
        text += std::to_string(line);
    }
    text += ": ";
    text += message;
    return text;
}

} // namespace

Diagnostic::Diagnostic(const std::string& file, long line, const std::string& message)
    : std::runtime_error(format(file, line, message)), file_(file), line_(line), message_(message) {
}

} // namespace genevent
