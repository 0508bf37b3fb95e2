#include "xen/xen_control.hpp"

#include "source.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

extern "C" {
#include <xencall.h>
}

namespace lttd::xen {

namespace {

// The hypercall memory for the lists of a query or cpu_info: Xen copies to
// it, so it must be xencall_alloc_buffer() memory, not the heap.
class hypercall_buffer {
public:
    hypercall_buffer(xencall_handle* x, std::size_t bytes)
        : x_(x), p_(bytes ? xencall_alloc_buffer(x, bytes) : nullptr) {}
    ~hypercall_buffer() {
        if (p_)
            xencall_free_buffer(x_, p_);
    }
    hypercall_buffer(const hypercall_buffer&) = delete;
    hypercall_buffer& operator=(const hypercall_buffer&) = delete;
    void* get() const noexcept { return p_; }
    std::uint64_t handle() const noexcept { return reinterpret_cast<std::uintptr_t>(p_); }

private:
    xencall_handle* x_;
    void* p_;
};

ltt_op make_op(ltt_cmd cmd, std::uint32_t cpu = 0) {
    ltt_op op{};
    op.interface_version = ltt_interface;
    op.cmd = static_cast<std::uint32_t>(cmd);
    op.cpu = cpu;
    return op;
}

// The meaning of each error in xen-patches/README.md's table.
const char* meaning(int err) {
    switch (err) {
    case EACCES:
        return "refused: either Xen's XSM/Flask policy denies dom0 `tbufcontrol` (an `avc: "
               "denied` line on Xen's console says so), or Xen's ltt-xen interface version "
               "differs from lttd's (rebuild one of them)";
    case EPERM:
        return "refused by Xen's XSM check (only a privileged domain may control tracing)";
    case ENOSYS:
        return "this Xen has no ltt-xen (boot the patched hypervisor `make xen` builds)";
    case EOPNOTSUPP:
        return "not supported (unknown sub-op, or get/put of a sub-buffer in discard mode)";
    case EINVAL:
        return "invalid request (sizes and counts must be powers of two within the limits)";
    case E2BIG:
        return "one CPU's buffer would exceed 64 MiB";
    case ENOMEM:
        return "not enough free memory in Xen for the buffers";
    case EEXIST:
        return "Xen's trace buffers are set up already (another session, or ltt-xenctl; "
               "`ltt-xenctl teardown` frees them)";
    case ENODEV:
        return "Xen's trace buffers are not set up";
    case ENXIO:
        return "no such CPU with a buffer";
    case ENOENT:
        return "no such event or facility";
    case ENOBUFS:
        return "room for the frame list too small";
    case EBUSY:
        return "busy (started already, a sub-buffer held, pages still mapped, or CPU hotplug "
               "in progress)";
    case ENODATA:
        return "nothing complete to read";
    case EIO:
        return "the packet is corrupt";
    case EFAULT:
        return "Xen could not write the answer";
    case EPROTO:
        return "Xen's answer does not add up (frame counts)";
    default:
        return std::strerror(err);
    }
}

} // namespace

xen_control::xen_control() {
    xcall_ = xencall_open(nullptr, XENCALL_OPENFLAG_NON_REENTRANT);
    if (!xcall_)
        throw source_error(fmt::format(
            "source xen: cannot open the hypercall interface (/dev/xen/privcmd): {} (run lttd "
            "as root in dom0 with the xen-privcmd module loaded)",
            std::strerror(errno)));
    buf_ = static_cast<sysctl*>(xencall_alloc_buffer(xcall_, sizeof(sysctl)));
    if (!buf_) {
        xencall_close(xcall_);
        throw source_error("source xen: cannot allocate hypercall memory");
    }
}

xen_control::~xen_control() {
    xencall_free_buffer(xcall_, buf_);
    xencall_close(xcall_);
}

std::string xen_control::describe(const char* what, int err) {
    const char* name = strerrorname_np(err);
    return fmt::format("{}: {} ({})", what, name ? name : "E?", meaning(err));
}

int xen_control::call(ltt_op& op) {
    std::memset(buf_, 0, sizeof *buf_);
    buf_->cmd = sysctl_ltt_op;
    buf_->interface_version = sysctl_interface;
    buf_->u.ltt = op;
    const int rc = xencall1(xcall_, hypercall_sysctl, reinterpret_cast<std::uintptr_t>(buf_));
    const int err = rc < 0 ? errno : 0;
    op = buf_->u.ltt;
    return err;
}

int xen_control::query(query_result& out, bool lists) {
    ltt_op op = make_op(ltt_cmd::query);
    if (const int err = call(op))
        return err;
    out.q = op.u.query;
    if (!lists)
        return 0;
    // The counts are fixed at Xen's build: ask again with room for them.
    const std::uint32_t nf = out.q.nr_facilities, ne = out.q.nr_events;
    hypercall_buffer fac(xcall_, std::size_t{nf} * sizeof(ltt_facility));
    hypercall_buffer en(xcall_, ne);
    if ((nf && !fac.get()) || (ne && !en.get()))
        return ENOMEM;
    op = make_op(ltt_cmd::query);
    op.u.query.max_facilities = nf;
    op.u.query.max_events = ne;
    op.u.query.facilities = fac.handle();
    op.u.query.enabled = en.handle();
    if (const int err = call(op))
        return err;
    out.q = op.u.query;
    const std::uint32_t got_f = std::min(nf, out.q.nr_facilities);
    const std::uint32_t got_e = std::min(ne, out.q.nr_events);
    out.facilities.assign(static_cast<const ltt_facility*>(fac.get()),
                          static_cast<const ltt_facility*>(fac.get()) + got_f);
    out.enabled.assign(static_cast<const std::uint8_t*>(en.get()),
                       static_cast<const std::uint8_t*>(en.get()) + got_e);
    return 0;
}

int xen_control::cpu_info(std::uint32_t cpu, ltt_cpu_info& info, std::vector<std::uint64_t>& mfns) {
    // First with no room: -ENOBUFS tells how many frames there are.
    ltt_op op = make_op(ltt_cmd::cpu_info, cpu);
    int err = call(op);
    info = op.u.cpu_info;
    if (err != ENOBUFS)
        return err ? err : EPROTO; // no frames at all cannot be right
    const std::uint32_t n = info.nr_mfns;
    if (n == 0 || n > (1u << 20))
        return EPROTO;
    hypercall_buffer frames(xcall_, std::size_t{n} * sizeof(std::uint64_t));
    if (!frames.get())
        return ENOMEM;
    op = make_op(ltt_cmd::cpu_info, cpu);
    op.u.cpu_info.max_mfns = n;
    op.u.cpu_info.mfns = frames.handle();
    if ((err = call(op)))
        return err;
    info = op.u.cpu_info;
    if (info.nr_mfns != n ||
        std::uint64_t{info.ctl_pages} + 1 + std::uint64_t{info.data_pages} != n)
        return EPROTO;
    const auto* p = static_cast<const std::uint64_t*>(frames.get());
    mfns.assign(p, p + n);
    return 0;
}

int xen_control::setup(const ltt_setup& s) {
    ltt_op op = make_op(ltt_cmd::setup);
    op.u.setup = s;
    return call(op);
}

int xen_control::events(bool enable, std::uint32_t which, std::uint32_t id) {
    ltt_op op = make_op(enable ? ltt_cmd::enable : ltt_cmd::disable);
    op.u.events.which = which;
    op.u.events.id = id;
    return call(op);
}

int xen_control::flush(std::uint32_t flags, std::uint32_t& closed) {
    ltt_op op = make_op(ltt_cmd::flush);
    op.u.flush.flags = flags;
    const int err = call(op);
    closed = op.u.flush.nr_closed;
    return err;
}

int xen_control::get_subbuf(std::uint32_t cpu, ltt_subbuf& out) {
    ltt_op op = make_op(ltt_cmd::get_subbuf, cpu);
    const int err = call(op);
    out = op.u.subbuf;
    return err;
}

int xen_control::simple(ltt_cmd cmd, std::uint32_t cpu) {
    ltt_op op = make_op(cmd, cpu);
    return call(op);
}

} // namespace lttd::xen
