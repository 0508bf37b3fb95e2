// lttng_clock_fixup.hpp - marks the clock of an lttng-ust trace recorded on
// the session's clock (tools/lttng-clock-tsc: name `tsc`, the session's
// clock uuid) `absolute = true`, as lttd's own traces are (DESIGN.md
// section 4), so that `babeltrace2 <session output>` merges it with them.
//
// Why lttd rewrites a file lttng wrote: lttng-sessiond 2.13 writes no
// `absolute` in its clock block, and babeltrace2 takes an LTTng clock as
// having the Unix epoch for origin only when it is named `monotonic`; its
// muxer refuses to mix such a clock with an absolute one, uuid or not
// ("Expecting an absolute clock class, but got a non-absolute one"). The
// clock plugin cannot say it (lttng-ust's clock plugin API has no such
// callback), and lttng's offset is measured against CLOCK_REALTIME, so the
// clock is absolute in fact.
//
// Only once lttng is done with the trace (lttd calls it when its session is
// destroyed): the file is replaced by plain-text TSDL (lttng writes it as
// CTF metadata packets), which a consumer daemon still appending to the old
// file would not see.
#pragma once

#include <ltt/uuid.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace lttd {

enum class lttng_clock_fix {
    marked,           // rewritten with `absolute = true;`
    already_absolute, // nothing to do
    other_clock,      // not the session's clock: left alone
};

// The TSDL text of a metadata file's bytes: plain text as is, CTF metadata
// packets (magic 0x75d11d57, little-endian) concatenated.
// std::runtime_error naming `label`, the offset and the problem on a
// damaged packet.
std::string metadata_text(std::string_view bytes, const std::string& label);

// `text` with `absolute = true;` added to its clock block, when that clock
// is named `tsc`, has `clock_uuid` and says nothing of `absolute`;
// nullopt otherwise (`why` says which).
std::optional<std::string> with_absolute_clock(std::string_view text, const ltt::uuid& clock_uuid,
                                               lttng_clock_fix& why);

// Rewrites the trace's `metadata` file (atomically: a new file renamed over
// it) when with_absolute_clock() marks it. std::runtime_error naming the
// file on a read, parse or write error.
lttng_clock_fix mark_lttng_clock_absolute(const std::filesystem::path& metadata,
                                          const ltt::uuid& clock_uuid);

} // namespace lttd
