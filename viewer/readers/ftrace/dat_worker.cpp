#include "dat_worker.hpp"

#include "dat_protocol.hpp"

#include <fmt/format.h>

// trace-cmd.h includes libtracefs's header, which is not valid C++ (an int
// passed as an enum, libtracefs 1.6) and declares nothing trace-cmd.h's
// functions need: its include guard keeps it out.
#define _TRACE_FS_H
#include <trace-cmd.h>
#undef _TRACE_FS_H
#include <trace-seq.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <vector>

#include <sys/prctl.h>
#include <unistd.h>

// Exported by libtracecmd.so.1 (3.x) but declared only in trace-cmd's
// private header, which Debian does not ship: the file's trace clock has no
// public getter. CMake checks that the library has it.
extern "C" const char* tracecmd_get_trace_clock(struct tracecmd_input* handle);

// Present in sanitizer builds only (compiler-rt): libFuzzer reports a
// sanitizer's death through it.
extern "C" void __sanitizer_set_death_callback(void (*callback)()) __attribute__((weak));

namespace ltt::viewer {

namespace {

class worker {
public:
    explicit worker(int fd) : fd_(fd) { trace_seq_init(&seq_); }

    [[noreturn]] void run(const std::string& file) {
        tracecmd_set_loglevel(TEP_LOG_NONE); // the reader says what is wrong
        errno = 0;
        tracecmd_input* top = tracecmd_open(file.c_str(), TRACECMD_FL_LOAD_NO_PLUGINS);
        if (top == nullptr)
            fail(fmt::format("libtracecmd cannot read it as a trace-cmd file{}",
                             errno != 0 ? fmt::format(" ({})", std::strerror(errno)) : ""));
        handles_.push_back(top);
        names_.emplace_back();
        const int instances = tracecmd_buffer_instances(top);
        for (int i = 0; i < instances; ++i) {
            const char* name = tracecmd_buffer_instance_name(top, i);
            tracecmd_input* h = tracecmd_buffer_instance_handle(top, i);
            if (h == nullptr)
                fail(fmt::format("libtracecmd cannot read buffer `{}`",
                                 name != nullptr ? name : "?"));
            handles_.push_back(h);
            names_.emplace_back(name != nullptr ? name : fmt::format("buffer{}", i));
        }
        send_header();
        for (std::uint32_t b = 0; b < handles_.size(); ++b)
            send_formats(b);
        tracecmd_iterate_events_multi(handles_.data(), static_cast<int>(handles_.size()),
                                      &worker::on_record, this);
        out_.begin(dat_message::end);
        out_.finish();
        flush();
        _exit(0);
    }

private:
    [[noreturn]] void fail(const std::string& problem) {
        out_.begin(dat_message::error);
        out_.str(problem);
        out_.finish();
        flush();
        _exit(0);
    }

    void flush() {
        const std::string& bytes = out_.bytes();
        for (std::size_t done = 0; done < bytes.size();) {
            const ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                _exit(1); // the reader is gone
            done += static_cast<std::size_t>(n);
        }
        out_.bytes().clear();
    }

    void send_header() {
        out_.begin(dat_message::header);
        out_.u32(tep_is_file_bigendian(tracecmd_get_tep(handles_[0])) ? 1 : 0);
        out_.u32(static_cast<std::uint32_t>(handles_.size()));
        for (std::size_t b = 0; b < handles_.size(); ++b) {
            const char* clock = tracecmd_get_trace_clock(handles_[b]);
            const int cpus = tep_get_cpus(tracecmd_get_tep(handles_[b]));
            out_.str(names_[b]);
            out_.str(clock != nullptr ? clock : "local"); // what libtracecmd assumes
            out_.u32(cpus > 0 ? static_cast<std::uint32_t>(cpus) : 0);
        }
        out_.finish();
    }

    void field(const tep_format_field* f) {
        out_.str(f->name != nullptr ? f->name : "");
        out_.str(f->type != nullptr ? f->type : "");
        out_.u32(static_cast<std::uint32_t>(f->offset));
        out_.u32(static_cast<std::uint32_t>(f->size));
        out_.u32(f->arraylen);
        out_.u32(f->elementsize);
        out_.u32(static_cast<std::uint32_t>(f->flags));
    }

    void send_formats(std::uint32_t buffer) {
        tep_handle* tep = tracecmd_get_tep(handles_[buffer]);
        const int n = tep_get_events_count(tep);
        for (int i = 0; i < n; ++i) {
            tep_event* e = tep_get_event(tep, i);
            if (e == nullptr)
                continue;
            out_.begin(dat_message::format);
            out_.u32(buffer);
            out_.u32(static_cast<std::uint32_t>(e->id));
            out_.str(e->system != nullptr ? e->system : "");
            out_.str(e->name != nullptr ? e->name : "");
            out_.u32((e->flags & TEP_EVENT_FL_ISFTRACE) != 0 ? 1 : 0);
            const tep_format_field* pid = tep_find_common_field(e, "common_pid");
            out_.u32(pid != nullptr ? 1 : 0);
            if (pid != nullptr)
                field(pid);
            std::uint32_t count = 0;
            for (const tep_format_field* f = e->format.fields; f != nullptr; f = f->next)
                ++count;
            out_.u32(count);
            for (const tep_format_field* f = e->format.fields; f != nullptr; f = f->next)
                field(f);
            out_.finish();
            if (out_.bytes().size() > (1 << 16))
                flush();
        }
    }

    static int on_record(tracecmd_input* handle, tep_record* r, int, void* self) {
        static_cast<worker*>(self)->record(handle, r);
        return 0;
    }

    void record(tracecmd_input* handle, tep_record* r) {
        std::uint32_t buffer = 0;
        while (buffer < handles_.size() && handles_[buffer] != handle)
            ++buffer;
        tep_handle* tep = tracecmd_get_tep(handle);
        const std::size_t size = r->size > 0 ? static_cast<std::size_t>(r->size) : 0;
        const char* comm = "";
        const char* text = "";
        // The record's pid and comm, and the text of ftrace events, by
        // libtraceevent, which reads at the format's offsets: only within
        // the record.
        tep_event* e = size >= 2 ? tep_find_event_by_record(tep, r) : nullptr;
        if (e != nullptr) {
            const tep_format_field* pid = tep_find_common_field(e, "common_pid");
            if (pid != nullptr && pid->offset >= 0 && pid->size > 0 && pid->size <= 8 &&
                static_cast<std::size_t>(pid->offset + pid->size) <= size) {
                const auto p = static_cast<int>(tep_read_number(
                    tep, static_cast<const char*>(r->data) + pid->offset, pid->size));
                comm = tep_data_comm_from_pid(tep, p);
            }
            if ((e->flags & TEP_EVENT_FL_ISFTRACE) != 0) {
                trace_seq_reset(&seq_);
                tep_print_event(tep, &seq_, r, "%s", TEP_PRINT_INFO);
                trace_seq_terminate(&seq_);
                text = seq_.buffer;
            }
        }
        out_.begin(dat_message::record);
        out_.u32(buffer);
        out_.u32(static_cast<std::uint32_t>(r->cpu));
        out_.u64(r->ts);
        out_.u64(static_cast<std::uint64_t>(r->missed_events));
        out_.u64(r->offset);
        out_.str(std::string_view(static_cast<const char*>(r->data), size));
        out_.str(comm != nullptr ? comm : "");
        out_.str(text != nullptr ? text : "");
        out_.finish();
        if (out_.bytes().size() > (1 << 16))
            flush();
    }

    int fd_;
    dat_writer out_;
    std::vector<tracecmd_input*> handles_;
    std::vector<std::string> names_;
    trace_seq seq_{};
};

} // namespace

void run_dat_worker(const std::string& file, int fd) {
    // Die with the reader; a reader that stopped early closes the pipe.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    signal(SIGPIPE, SIG_DFL);
    // A crash of libtracecmd kills the worker, and the reader says so: the
    // handlers a sanitizer or fuzzer build installed in the parent must not
    // report it as the parent's own.
    for (const int s : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT})
        signal(s, SIG_DFL);
    if (__sanitizer_set_death_callback != nullptr)
        __sanitizer_set_death_callback(nullptr);
    worker w(fd);
    w.run(file);
}

} // namespace ltt::viewer
