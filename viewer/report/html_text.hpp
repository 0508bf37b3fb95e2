// report/html_text.hpp - text made safe for an HTML page.
#pragma once

#include <string>
#include <string_view>

namespace ltt::viewer {

// &, <, >, " and ' as entities: safe in element content and quoted attributes.
std::string html_escape(std::string_view text);

// JSON text made safe inside <script type="application/json">: every '<'
// (only ever inside a JSON string) becomes \u003c, the same string to a JSON
// parser, so neither "</script>" nor "<!--" can change how the page parses.
std::string script_safe(std::string_view json);

} // namespace ltt::viewer
