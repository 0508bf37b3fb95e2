// Hand-written fragments in genevent's ctf format, for the unit tests.
#pragma once

#include <string>

namespace ltt_test {

inline const std::string xen_sched_fragment =
    R"(/* ltt-facility: name=sched layer=xen checksum=0x1a2b3c4d events=3 */
event {
	name = "dom_add";
	id = 0;
	stream_id = 0;
	fields := struct {
		integer { size = 16; align = 8; signed = false; encoding = none; base = 10; byte_order = le; } _dom_id;
	};
};

event {
	name = "switch";
	id = 1;
	stream_id = 0;
	fields := struct {
		integer { size = 16; align = 8; signed = false; encoding = none; base = 10; byte_order = le; } _prev_dom;
		integer { size = 16; align = 8; signed = false; encoding = none; base = 10; byte_order = le; } _next_dom;
		enum : integer { size = 8; align = 8; signed = false; byte_order = le; base = 10; } { "running" = 0, "runnable" = 1 } _state;
	};
};

event {
	name = "wake";
	id = 2;
	stream_id = 0;
	fields := struct {
		integer { size = 64; align = 8; signed = true; encoding = none; base = 10; byte_order = le; } _delta;
		integer { size = 32; align = 8; signed = false; encoding = none; base = 16; byte_order = le; } _args[4];
	};
};
)";

inline const std::string xen_hvm_fragment =
    R"(/* ltt-facility: name=hvm layer=xen checksum=0x00c0ffee events=2 */
event {
	name = "vmexit";
	id = 1;
	stream_id = 0;
	fields := struct {
		integer { size = 32; align = 8; signed = false; encoding = none; base = 10; byte_order = le; } _reason;
	};
};

event {
	name = "vmentry";
	id = 0;
	stream_id = 0;
	fields := struct {
	};
};
)";

inline const std::string kernel_irq_fragment =
    R"(/* ltt-facility: name=irq layer=kernel checksum=0xdeadbeef events=1 */
event {
	name = "handler_entry";
	id = 0;
	stream_id = 0;
	fields := struct {
		integer { size = 32; align = 8; signed = true; encoding = none; base = 10; byte_order = le; } _irq;
		string { encoding = UTF8; } _name;
	};
};
)";

} // namespace ltt_test
