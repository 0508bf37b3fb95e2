#include "xml_loader.hpp"

#include "diagnostic.hpp"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <limits>

namespace genevent {

struct Schema::Impl {
    xmlSchemaPtr schema = nullptr;
    ~Impl() {
        if (schema) {
            xmlSchemaFree(schema);
        }
    }
};

namespace {

// ---- error capture -------------------------------------------------------

// Keeps the first error libxml2 reports: later ones are usually consequences
// of the first, and genevent promises exactly one error line.
struct ErrorCapture {
    bool failed = false;
    std::string message;
    long line = 0;

    void record(const xmlError* error) {
        if (failed || error == nullptr || error->level < XML_ERR_ERROR) {
            return;
        }
        failed = true;
        line = error->line;
        message = error->message ? error->message : "unknown libxml2 error";
        while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
            message.pop_back();
        }
        if (message.empty()) {
            message = "unknown libxml2 error";
        }
    }
};

extern "C" void capture_structured_error(void* context, xmlErrorPtr error) {
    static_cast<ErrorCapture*>(context)->record(error);
}

// Messages that bypass the structured channel must not reach stderr either:
// the structured capture already reports the error that matters.
extern "C" void discard_generic_error(void*, const char*, ...) {}

// Routes libxml2's (thread-local) error handlers to a capture for the
// duration of one operation and restores the previous handlers afterwards.
class ErrorRoute {
public:
    explicit ErrorRoute(ErrorCapture& capture)
        : saved_structured_(xmlStructuredError), saved_structured_ctx_(xmlStructuredErrorContext),
          saved_generic_(xmlGenericError), saved_generic_ctx_(xmlGenericErrorContext) {
        xmlSetStructuredErrorFunc(&capture, capture_structured_error);
        xmlSetGenericErrorFunc(nullptr, discard_generic_error);
    }
    ~ErrorRoute() {
        xmlSetStructuredErrorFunc(saved_structured_ctx_, saved_structured_);
        xmlSetGenericErrorFunc(saved_generic_ctx_, saved_generic_);
    }
    ErrorRoute(const ErrorRoute&) = delete;
    ErrorRoute& operator=(const ErrorRoute&) = delete;

private:
    xmlStructuredErrorFunc saved_structured_;
    void* saved_structured_ctx_;
    xmlGenericErrorFunc saved_generic_;
    void* saved_generic_ctx_;
};

// ---- owning handles ------------------------------------------------------

struct DocFree {
    void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};
using DocPtr = std::unique_ptr<xmlDoc, DocFree>;

struct ValidCtxtFree {
    void operator()(xmlSchemaValidCtxt* ctxt) const { xmlSchemaFreeValidCtxt(ctxt); }
};

struct ParserCtxtFree {
    void operator()(xmlSchemaParserCtxt* ctxt) const { xmlSchemaFreeParserCtxt(ctxt); }
};

// ---- DOM helpers ---------------------------------------------------------

std::string to_std(const xmlChar* text) {
    return text ? std::string(reinterpret_cast<const char*>(text)) : std::string();
}

bool is_element(const xmlNode* node, const char* name) {
    return node->type == XML_ELEMENT_NODE && node->ns == nullptr &&
           std::strcmp(reinterpret_cast<const char*>(node->name), name) == 0;
}

std::optional<std::string> attribute(const xmlNode* node, const char* name) {
    xmlChar* value = xmlGetNoNsProp(node, reinterpret_cast<const xmlChar*>(name));
    if (value == nullptr) {
        return std::nullopt;
    }
    std::string result = to_std(value);
    xmlFree(value);
    return result;
}

std::string text_content(const xmlNode* node) {
    xmlChar* value = xmlNodeGetContent(node);
    std::string result = to_std(value);
    xmlFree(value);
    return result;
}

long line_of(const xmlNode* node) {
    return xmlGetLineNo(node);
}

// Parsing the already-validated DOM. The schema guarantees the structure, so
// a failure here means the schema and this code disagree; still reported as a
// normal diagnostic rather than trusted blindly (the fuzzer relies on that).
class DomReader {
public:
    explicit DomReader(const std::string& path) : path_(path) {}

    Facility facility(const xmlNode* root) {
        Facility facility;
        facility.path = path_;
        const size_t slash = path_.find_last_of('/');
        facility.base_name = slash == std::string::npos ? path_ : path_.substr(slash + 1);
        facility.line = line_of(root);
        facility.name = required(root, "name");
        const std::string layer = required(root, "layer");
        const auto parsed = ltt::parse_layer(layer);
        if (!parsed) {
            throw Diagnostic(path_, facility.line, "unknown layer '" + layer + "'");
        }
        facility.layer = *parsed;
        for (const xmlNode* child = root->children; child; child = child->next) {
            if (is_element(child, "description")) {
                facility.description = text_content(child);
            } else if (is_element(child, "enum")) {
                facility.enums.push_back(enumeration(child));
            } else if (is_element(child, "event")) {
                facility.events.push_back(event(child));
            }
        }
        return facility;
    }

private:
    std::string required(const xmlNode* node, const char* name) {
        auto value = attribute(node, name);
        if (!value) {
            throw Diagnostic(path_, line_of(node), std::string("missing attribute '") + name + "'");
        }
        return *value;
    }

    // xs:long and xs:positiveInteger allow surrounding whitespace, a leading
    // '+' and leading zeros; std::from_chars does not, so normalise first.
    int64_t integer(const xmlNode* node, const char* name, const std::string& text) {
        size_t begin = text.find_first_not_of(" \t\r\n");
        size_t end = text.find_last_not_of(" \t\r\n");
        if (begin == std::string::npos) {
            begin = end = 0;
        }
        std::string digits = text.substr(begin, end - begin + 1);
        if (!digits.empty() && digits.front() == '+') {
            digits.erase(0, 1);
        }
        int64_t value = 0;
        const char* first = digits.data();
        const char* last = digits.data() + digits.size();
        const auto result = std::from_chars(first, last, value);
        if (digits.empty() || result.ec != std::errc() || result.ptr != last) {
            throw Diagnostic(path_, line_of(node),
                             std::string("attribute '") + name + "': '" + text +
                                 "' is not a 64-bit integer");
        }
        return value;
    }

    Enum enumeration(const xmlNode* node) {
        Enum e;
        e.line = line_of(node);
        e.name = required(node, "name");
        const std::string type = required(node, "type");
        const auto parsed = parse_int_type(type);
        if (!parsed) {
            throw Diagnostic(path_, e.line, "unknown integer type '" + type + "'");
        }
        e.type = *parsed;
        e.description = attribute(node, "description").value_or("");
        for (const xmlNode* child = node->children; child; child = child->next) {
            if (is_element(child, "value")) {
                EnumValue v;
                v.line = line_of(child);
                v.name = required(child, "name");
                v.value = integer(child, "value", required(child, "value"));
                v.description = attribute(child, "description").value_or("");
                e.values.push_back(std::move(v));
            }
        }
        return e;
    }

    Event event(const xmlNode* node) {
        Event ev;
        ev.line = line_of(node);
        ev.name = required(node, "name");
        for (const xmlNode* child = node->children; child; child = child->next) {
            if (is_element(child, "description")) {
                ev.description = text_content(child);
            } else if (is_element(child, "location")) {
                Location loc;
                loc.file = required(child, "file");
                loc.function = required(child, "function");
                loc.detail = attribute(child, "detail").value_or("");
                ev.locations.push_back(std::move(loc));
            } else if (is_element(child, "field")) {
                ev.fields.push_back(field(child));
            }
        }
        return ev;
    }

    Field field(const xmlNode* node) {
        Field f;
        f.line = line_of(node);
        f.name = required(node, "name");
        f.type_attr = attribute(node, "type");
        f.enum_attr = attribute(node, "enum");
        if (auto length = attribute(node, "length")) {
            const int64_t n = integer(node, "length", *length);
            if (n < 1 || n > std::numeric_limits<uint16_t>::max()) {
                throw Diagnostic(path_, f.line, "array length " + *length + " out of range");
            }
            f.length = static_cast<uint32_t>(n);
        }
        f.hex = attribute(node, "display").value_or("dec") == "hex";
        f.description = attribute(node, "description").value_or("");
        return f;
    }

    const std::string& path_;
};

std::string read_file(const std::string& path) {
    FILE* file = std::fopen(path.c_str(), "rb");
    if (file == nullptr) {
        throw Diagnostic(path, 0, std::string("cannot open: ") + std::strerror(errno));
    }
    std::string contents;
    char buffer[65536];
    bool too_large = false;
    for (;;) {
        const size_t n = std::fread(buffer, 1, sizeof buffer, file);
        contents.append(buffer, n);
        if (contents.size() > kMaxFacilityFileSize) {
            too_large = true;
            break;
        }
        if (n < sizeof buffer) {
            break;
        }
    }
    const bool read_error = std::ferror(file) != 0;
    const int saved_errno = errno;
    std::fclose(file);
    if (read_error) {
        throw Diagnostic(path, 0, std::string("cannot read: ") + std::strerror(saved_errno));
    }
    if (too_large) {
        throw Diagnostic(path, 0,
                         "file too large (over " + std::to_string(kMaxFacilityFileSize >> 20) +
                             " MiB): not a facility file");
    }
    return contents;
}

} // namespace

XmlLibrary::XmlLibrary() {
    xmlInitParser();
}
XmlLibrary::~XmlLibrary() {
    xmlCleanupParser();
}

Schema::Schema(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Schema::Schema(Schema&&) noexcept = default;
Schema& Schema::operator=(Schema&&) noexcept = default;
Schema::~Schema() = default;

Schema Schema::load(const std::string& path) {
    ErrorCapture capture;
    ErrorRoute route(capture);
    std::unique_ptr<xmlSchemaParserCtxt, ParserCtxtFree> ctxt(xmlSchemaNewParserCtxt(path.c_str()));
    if (!ctxt) {
        throw Diagnostic(path, 0, "cannot create a schema parser");
    }
    xmlSchemaSetParserStructuredErrors(ctxt.get(), capture_structured_error, &capture);
    auto impl = std::make_unique<Impl>();
    impl->schema = xmlSchemaParse(ctxt.get());
    if (impl->schema == nullptr || capture.failed) {
        throw Diagnostic(path, capture.line,
                         "cannot load schema: " +
                             (capture.failed ? capture.message : std::string("unknown error")));
    }
    return Schema(std::move(impl));
}

Facility load_facility_file(const std::string& path, const Schema& schema) {
    return load_facility(read_file(path), path, schema);
}

Facility load_facility(std::string_view contents, const std::string& path, const Schema& schema) {
    if (contents.empty()) {
        throw Diagnostic(path, 0, "empty file: expected a <facility> document");
    }
    if (contents.size() > kMaxFacilityFileSize ||
        contents.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
        throw Diagnostic(path, 0, "file too large: not a facility file");
    }

    ErrorCapture capture;
    ErrorRoute route(capture);
    // NONET: never fetch anything; no NOENT/DTDLOAD: entities are not
    // substituted and no external DTD is read, so a file cannot pull in other
    // files or expand into gigabytes. BIG_LINES: exact lines past 65535.
    const int options = XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOCDATA;
    DocPtr doc(xmlReadMemory(contents.data(), static_cast<int>(contents.size()), nullptr, nullptr,
                             options));
    if (!doc || capture.failed) {
        throw Diagnostic(path, capture.line,
                         capture.failed ? capture.message : std::string("cannot parse XML"));
    }
    if (doc->intSubset != nullptr) {
        // libxml2 keeps no line for the DTD node: find it in the text.
        const size_t at = contents.find("<!DOCTYPE");
        const long line =
            at == std::string_view::npos
                ? 0
                : 1 + static_cast<long>(std::count(contents.begin(), contents.begin() + at, '\n'));
        throw Diagnostic(path, line, "a DOCTYPE is not allowed in facility files");
    }

    std::unique_ptr<xmlSchemaValidCtxt, ValidCtxtFree> valid(
        xmlSchemaNewValidCtxt(schema.impl().schema));
    if (!valid) {
        throw Diagnostic(path, 0, "cannot create a schema validator");
    }
    xmlSchemaSetValidStructuredErrors(valid.get(), capture_structured_error, &capture);
    const int status = xmlSchemaValidateDoc(valid.get(), doc.get());
    if (status != 0 || capture.failed) {
        throw Diagnostic(path, capture.line,
                         capture.failed ? capture.message
                                        : std::string("does not match the facility schema"));
    }

    const xmlNode* root = xmlDocGetRootElement(doc.get());
    if (root == nullptr || !is_element(root, "facility")) {
        throw Diagnostic(path, 0, "root element must be <facility>");
    }
    return DomReader(path).facility(root);
}

} // namespace genevent
