// The one error genevent reports. Every stage stops at its first problem and
// throws a Diagnostic, so the user sees exactly one `file:line: message` line
// and no cascade of follow-on errors.
#pragma once

#include <stdexcept>
#include <string>

namespace genevent {

class Diagnostic : public std::runtime_error {
public:
    // line 0 means "no line": the text is then `file: message`.
    Diagnostic(const std::string& file, long line, const std::string& message);

    const std::string& file() const { return file_; }
    long line() const { return line_; }
    const std::string& message() const { return message_; }

private:
    std::string file_;
    long line_;
    std::string message_;
};

} // namespace genevent
