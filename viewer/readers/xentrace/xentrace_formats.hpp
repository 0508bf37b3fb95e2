// xentrace_formats.hpp - Xen's formats file (tools/xentrace/formats, what
// xentrace_format prints records with): per event id a name and a printf-like
// line naming the data words, e.g.
//
//   0x00028004  CPU%(cpu)d  %(tsc)d (+%(reltsc)8d)  domain_wake  [ dom:vcpu = 0x%(1)04x%(2)04x ]
//
// gives the event 0x28004 the name "domain_wake" and its data words 1 and 2
// the names "dom" and "vcpu". The viewer names xentrace records ltt-xen has
// no event for with it.
//
// Field names: the label before `=` of the part of the line that prints a
// word, lower-cased, other characters than letters and digits made `_`,
// bit-field widths (`cpu[16]`) dropped. A label over several words is split
// at its colons when it has one part per word (dom:vcpu), else a 64-bit
// value printed high word first gets label_hi and label_lo, else label_1...
// A word the line does not name is w<n> (n as in %(n), from 1).
//
// Class names: the event's name with blanks made `_`; when several ids share
// a name, the one with TRC_64_FLAG (0x100) set gets a "64" suffix if its
// partner differs only by that flag, else every id but the lowest gets
// "_0x<id>".
#pragma once

#include "xentrace_reader.hpp"

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>

namespace ltt::xentrace {

struct format_entry {
    std::string name;                         // the class name (unique in the file, see above)
    std::string label;                        // the name as the line gives it
    unsigned words_shown = 0;                 // highest %(n) the line prints
    std::array<std::string, extra_max> words; // field name of data word i+1; empty: w<i+1>
    std::array<bool, extra_max> hex{};        // the line prints data word i+1 in hex (%x)
    std::array<bool, extra_max> is_signed{};  // ... as a signed number (%d, %i)
};

class formats {
public:
    // ltt::parse_error(file, line, problem) for a line that is not
    // "0x<id> <format>" (blank lines and # comments are skipped).
    static formats parse(std::string_view text, const std::string& file);
    // parse() of a file's contents; std::system_error when it cannot be read.
    static formats load(const std::filesystem::path& file);

    const format_entry* find(std::uint32_t event) const;
    std::size_t size() const noexcept { return entries_.size(); }
    const std::string& file() const noexcept { return file_; }

private:
    std::unordered_map<std::uint32_t, format_entry> entries_;
    std::string file_;
};

// The copy of Xen 4.17's formats file installed with ltt-view
// (share/ltt-xen/xen-4.17-formats beside its bin/, or in the data directory it
// was configured with); empty when there is none.
std::filesystem::path installed_formats();

// The field name of data word `index` (from 0) of an entry: its name, or
// w<index+1>.
std::string word_name(const format_entry* entry, unsigned index);

} // namespace ltt::xentrace
