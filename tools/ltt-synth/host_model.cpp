#include "host_model.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace ltt::synth {

namespace {

constexpr std::uint32_t domid_idle = 32767;
constexpr std::uint32_t timer_vector = 0xf9; // Xen's LOCAL_TIMER_VECTOR: a direct APIC vector
enum class runstate : std::uint8_t { running = 0, runnable = 1, blocked = 2 };

// xorshift64*: fast, deterministic for a seed, good enough for timings.
class rng {
public:
    explicit rng(std::uint64_t seed) : s_(seed * 0x9E3779B97F4A7C15ull + 1) {}
    std::uint64_t next() {
        s_ ^= s_ >> 12;
        s_ ^= s_ << 25;
        s_ ^= s_ >> 27;
        return s_ * 2685821657736338717ull;
    }
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    std::uint64_t range(std::uint64_t lo, std::uint64_t hi) { return lo + next() % (hi - lo + 1); }

private:
    std::uint64_t s_;
};

struct device {
    std::uint32_t vector = 0;
    std::int32_t xen_irq = 0;
    std::uint32_t pirq = 0, port = 0;
    std::int32_t irq = 0;
    std::string name;
    std::uint64_t next_at = 0;
};

struct vcpu {
    std::uint32_t domid = 0, id = 0;
    bool idle = false;
    runstate state = runstate::blocked;
    std::uint64_t since = 0; // time of its last runstate change
    bool changed = false;    // had a runstate change (its time counts from there)
    std::uint64_t wake_at = 0;
    bool woken = false; // runnable because of a wake (not a preemption)
    std::uint64_t runnable_at = 0;
    bool upcall_pending = false;
    std::vector<irq_chain> pending; // interrupts waiting for the guest's upcall
    std::unique_ptr<device> dev;
    std::uint64_t slice_end = 0, next_hypercall = 0;
    vcpu_truth* truth = nullptr;
};

class cpu_sim {
public:
    cpu_sim(std::uint32_t pcpu, std::vector<vcpu*> vcpus, const model_options& o,
            const event_sink& sink, truth& t, std::uint64_t start)
        : pcpu_(pcpu), vcpus_(std::move(vcpus)), o_(o), sink_(sink), truth_(t),
          rand_(o.seed * 131 + pcpu), now_(start) {
        lane_.pcpu = pcpu;
        budget_ = o.events / o.pcpus;
    }

    void run() {
        // Idle runs first: the state is known from the first event on.
        vcpu* idle = vcpus_.front();
        idle->state = runstate::runnable;
        change(*idle, runstate::running, now_);
        current_ = idle;
        mark_ = now_;
        if (pcpu_ == 0) {
            statedump(now_ + us(1));
            now_ += us(2);
        }
        for (vcpu* v : vcpus_) {
            if (v->idle)
                continue;
            v->wake_at = now_ + random_us(20, 300);
            if (v->dev)
                v->dev->next_at = now_ + next_irq_gap();
        }
        next_tick_ = now_ + us(1000);
        while (emitted_ < budget_)
            step();
        // The lane ends at its last event.
        lane_.last = last_emitted_;
        account_to(last_emitted_);
        for (vcpu* v : vcpus_)
            truth_.unfinished += v->pending.size();
        truth_.lanes.push_back(lane_);
    }

private:
    // ---- time ----
    std::uint64_t us(double micro) const {
        return static_cast<std::uint64_t>(
            std::llround(micro * static_cast<double>(o_.tsc_hz) / 1e6));
    }
    // A random duration of lo..hi microseconds (whole ones).
    std::uint64_t random_us(std::uint64_t lo, std::uint64_t hi) {
        return us(static_cast<double>(rand_.range(lo, hi)));
    }
    std::uint64_t next_irq_gap() {
        const double mean_us = 1e6 / o_.irq_per_s;
        return us(std::max(5.0, -std::log(1.0 - rand_.uniform()) * mean_us));
    }

    // ---- emission ----
    void xen(std::uint64_t ts, std::string_view name, const ltt::payload_writer& p) {
        if (dropping_ > 0) {
            ++truth_.lost[pcpu_];
            ++dropped_here_;
            return;
        }
        sink_.xen(pcpu_, ts, name, p);
        ++truth_.xen_events[std::string(name)];
        if (!have_emitted_) {
            lane_.first = ts;
            have_emitted_ = true;
        }
        last_emitted_ = ts;
        ++emitted_;
    }
    void dom0(const vcpu& v, std::uint64_t ts, std::string_view name,
              const ltt::payload_writer& p) {
        sink_.dom0(v.id, ts, name, p);
        ++truth_.dom0_events[std::string(name)];
        ++emitted_;
    }

    // ---- the lane: who has the CPU ----
    void account_to(std::uint64_t t) {
        if (t <= mark_)
            return;
        const std::uint64_t d = t - mark_;
        if (lost_mode_)
            lane_.lost += d;
        else if (current_ == nullptr)
            lane_.hypervisor += d;
        else if (current_->idle)
            lane_.idle += d;
        else
            lane_.guest[current_->domid] += d;
        mark_ = t;
    }
    // A hypervisor episode [a, b) (an interrupt, a hypercall) seen whole.
    void episode(std::uint64_t a, std::uint64_t b) {
        if (dropping_ > 0)
            return; // not seen: part of the lost time
        account_to(a);
        lane_.hypervisor += b - a;
        mark_ = b;
    }

    // ---- runstates ----
    void change(vcpu& v, runstate to, std::uint64_t ts) {
        if (v.changed) {
            const std::uint64_t d = ts - v.since;
            if (v.truth != nullptr) {
                if (v.state == runstate::running)
                    v.truth->running += d;
                else if (v.state == runstate::runnable)
                    v.truth->runnable += d;
                else
                    v.truth->blocked += d;
            }
        }
        if (v.truth != nullptr)
            ++v.truth->changes;
        if (to == runstate::running && v.woken && v.truth != nullptr) {
            v.truth->wake_latencies.push_back(ts - v.runnable_at);
            v.woken = false;
        }
        ltt::payload_writer p;
        p.put(static_cast<std::uint16_t>(v.domid))
            .put(static_cast<std::uint16_t>(v.id))
            .put(static_cast<std::uint8_t>(v.state))
            .put(static_cast<std::uint8_t>(to));
        xen(ts, "runstate_change", p);
        v.state = to;
        v.since = ts;
        v.changed = true;
    }

    void wake(vcpu& v, std::uint64_t ts) {
        change(v, runstate::runnable, ts);
        v.woken = true;
        v.runnable_at = ts;
        ltt::payload_writer p;
        p.put(static_cast<std::uint16_t>(v.domid)).put(static_cast<std::uint16_t>(v.id));
        xen(ts + us(0.05), "sched_wake", p);
        runq_.push_back(&v);
    }

    // The CPU goes from current_ to `next` (which is runnable): the
    // previous vCPU leaves at `ts` in state `prev_to`.
    void switch_to(vcpu* next, runstate prev_to, std::uint64_t ts) {
        vcpu* prev = current_;
        const bool seen = dropping_ == 0;
        if (seen)
            account_to(ts);
        if (!prev->idle && prev->domid == 0 && prev_to != runstate::running)
            kernel_switch(*prev, ts, false);
        change(*prev, prev_to, ts);
        if (prev_to == runstate::runnable && !prev->idle)
            runq_.push_back(prev);
        current_ = nullptr; // Xen's scheduler has the CPU
        const std::uint64_t at = ts + us(0.8);
        change(*next, runstate::running, at);
        ltt::payload_writer p;
        p.put(static_cast<std::uint16_t>(prev->domid))
            .put(static_cast<std::uint16_t>(prev->id))
            .put(static_cast<std::uint16_t>(next->domid))
            .put(static_cast<std::uint16_t>(next->id));
        xen(at + 1, "sched_switch", p);
        if (seen) {
            account_to(at);
            if (lost_mode_) {
                lost_mode_ = false; // the state is known again
            }
        }
        current_ = next;
        if (seen)
            mark_ = at;
        // Interrupts that came while it was not running: their chains went
        // through this switch.
        for (irq_chain& c : next->pending) {
            if (!c.t_running)
                c.t_running = at;
        }
        now_ = at + 2;
        if (!next->idle) {
            next->slice_end = now_ + (next->domid == 0 ? random_us(30, 400) : random_us(300, 3000));
            next->next_hypercall = now_ + random_us(2, 40);
            if (next->domid == 0)
                kernel_switch(*next, now_ + us(0.3), true);
        }
        if (!next->pending.empty())
            upcall(*next);
    }

    // dom0's own scheduler: its worker thread starts or stops on this vCPU.
    void kernel_switch(const vcpu& v, std::uint64_t ts, bool to_worker) {
        const std::string idle_comm = fmt::format("swapper/{}", v.id);
        const std::int32_t worker_tid = 100 + static_cast<std::int32_t>(v.id);
        if (to_worker) {
            ltt::payload_writer w;
            w.put_string("ltt-work")
                .put(worker_tid)
                .put(std::int32_t{120})
                .put(static_cast<std::int32_t>(v.id));
            dom0(v, ts, "sched_waking", w);
        }
        ltt::payload_writer p;
        p.put_string(to_worker ? idle_comm : "ltt-work")
            .put(to_worker ? 0 : worker_tid)
            .put(std::int32_t{120})
            .put(std::int64_t{to_worker ? 0 : 1})
            .put_string(to_worker ? "ltt-work" : idle_comm)
            .put(to_worker ? worker_tid : 0)
            .put(std::int32_t{120});
        dom0(v, ts + us(to_worker ? 0.1 : 0), "sched_switch", p);
    }

    // ---- activities ----
    void step() {
        // The earliest thing that happens next.
        std::uint64_t when = next_tick_;
        enum class what { tick, wake, irq, slice, hypercall } kind = what::tick;
        vcpu* who = nullptr;
        for (vcpu* v : vcpus_) {
            if (v->idle)
                continue;
            if (v->state == runstate::blocked && v->wake_at < when) {
                when = v->wake_at;
                kind = what::wake;
                who = v;
            }
            if (v->dev && v->dev->next_at < when) {
                when = v->dev->next_at;
                kind = what::irq;
                who = v;
            }
        }
        if (current_ != nullptr && !current_->idle) {
            if (current_->slice_end < when) {
                when = current_->slice_end;
                kind = what::slice;
                who = current_;
            }
            if (current_->next_hypercall < when) {
                when = current_->next_hypercall;
                kind = what::hypercall;
                who = current_;
            }
        }
        now_ = std::max(now_, when);
        maybe_lose();
        switch (kind) {
        case what::tick:
            tick();
            break;
        case what::wake:
            timer_wake(*who);
            break;
        case what::irq:
            device_irq(*who);
            break;
        case what::slice:
            slice_end(*who);
            break;
        case what::hypercall:
            hypercall(*who);
            break;
        }
        if (dropping_ > 0)
            --dropping_; // the window ends with this many activities
    }

    // Losses on CPU 1 once: the records of a window of activities are
    // dropped (as a full buffer would), and the next packet says how many.
    void maybe_lose() {
        if (o_.lose_at == 0 || pcpu_ != 1 || lost_once_ || emitted_ < o_.lose_at)
            return;
        lost_once_ = true;
        // The analysis cannot know what happened after the last event it
        // has: the lost time starts there.
        account_to(last_emitted_);
        lost_mode_ = true;
        dropping_ = 40;
        dropped_here_ = 0;
        pending_loss_report_ = true;
    }

    void report_loss_if_due() {
        if (pending_loss_report_ && dropping_ == 0) {
            sink_.lose(pcpu_, dropped_here_);
            pending_loss_report_ = false;
        }
    }

    void tick() {
        report_loss_if_due();
        const std::uint64_t a = now_;
        const std::uint64_t b = a + us(0.8);
        ltt::payload_writer e;
        e.put(static_cast<std::uint8_t>(timer_vector)).put(std::int32_t{-1});
        xen(a, "irq_entry", e);
        xen(b, "irq_exit", e);
        episode(a, b);
        now_ = b + 1;
        next_tick_ = a + us(1000);
    }

    void timer_wake(vcpu& v) {
        report_loss_if_due();
        const std::uint64_t a = now_;
        ltt::payload_writer e;
        e.put(static_cast<std::uint8_t>(timer_vector)).put(std::int32_t{-1});
        xen(a, "irq_entry", e);
        wake(v, a + us(0.3));
        const std::uint64_t b = a + us(0.8);
        xen(b, "irq_exit", e);
        episode(a, b);
        now_ = b + 1;
        if (current_ != nullptr && current_->idle)
            schedule(runstate::runnable);
    }

    // Idle gives the CPU to the first runnable vCPU.
    void schedule(runstate prev_to) {
        if (runq_.empty())
            return;
        vcpu* next = runq_.front();
        runq_.pop_front();
        switch_to(next, prev_to, now_ + us(0.5));
    }

    void device_irq(vcpu& v) {
        report_loss_if_due();
        device& d = *v.dev;
        d.next_at = now_ + next_irq_gap();
        irq_chain c;
        c.domid = v.domid;
        c.vcpu = v.id;
        c.irq = d.irq;
        c.pirq = d.pirq;
        c.port = d.port;
        c.xen_irq = d.xen_irq;
        c.vector = d.vector;
        c.t_irq = now_;
        ltt::payload_writer e;
        e.put(static_cast<std::uint8_t>(d.vector)).put(d.xen_irq);
        xen(c.t_irq, "irq_entry", e);
        ltt::payload_writer g;
        g.put(static_cast<std::uint16_t>(v.domid))
            .put(static_cast<std::int32_t>(d.pirq))
            .put(d.port);
        xen(c.t_irq + us(0.3), "irq_guest_pirq", g);
        c.t_pending = c.t_irq + us(0.5);
        ltt::payload_writer sp;
        sp.put(static_cast<std::uint16_t>(v.domid))
            .put(d.port)
            .put(static_cast<std::uint16_t>(v.id));
        xen(c.t_pending, "evtchn_set_pending", sp);
        const bool coalesced = std::any_of(v.pending.begin(), v.pending.end(),
                                           [&](const irq_chain& p) { return p.port == c.port; });
        c.coalesced = coalesced;
        if (!v.upcall_pending) {
            ltt::payload_writer u;
            u.put(static_cast<std::uint16_t>(v.domid)).put(static_cast<std::uint16_t>(v.id));
            xen(c.t_irq + us(0.6), "evtchn_upcall", u);
            v.upcall_pending = true;
        }
        if (v.state == runstate::blocked) {
            wake(v, c.t_irq + us(0.8));
            c.t_runnable = c.t_irq + us(0.8);
        }
        const std::uint64_t end = c.t_irq + us(1.2) + rand_.range(0, 200);
        xen(end, "irq_exit", e);
        episode(c.t_irq, end);
        now_ = end + 1;
        if (coalesced)
            ++truth_.coalesced;
        // A coalesced interrupt is served by the upcall of the one pending
        // before it: it waits in the same list, without a handler of its own.
        v.pending.push_back(c);
        if (current_ == &v) {
            now_ += us(1);
            upcall(v);
        } else if (current_ != nullptr && current_->idle) {
            schedule(runstate::runnable);
        }
    }

    // The guest takes its upcall: every pending port, its handler.
    void upcall(vcpu& v) {
        std::uint64_t t = now_ + us(0.7);
        ltt::payload_writer u;
        u.put(static_cast<std::uint16_t>(v.id));
        dom0(v, t, "xen_evtchn_upcall_entry", u);
        const std::uint64_t t_upcall = t;
        std::map<std::uint32_t, const irq_chain*> served; // port -> its handler's chain
        for (irq_chain& c : v.pending) {
            c.t_upcall = t_upcall;
            if (c.coalesced) {
                const irq_chain& first = *served.at(c.port);
                c.t_handler = first.t_handler;
                c.t_handler_exit = first.t_handler_exit;
                truth_.chains.push_back(c);
                continue;
            }
            ltt::payload_writer hp;
            hp.put(c.port).put(c.irq);
            dom0(v, t + us(0.4), "xen_evtchn_handle_port", hp);
            c.t_handler = t + us(0.6);
            ltt::payload_writer he;
            he.put(c.irq).put_string(v.dev->name);
            dom0(v, c.t_handler, "irq_handler_entry", he);
            c.t_handler_exit = c.t_handler + random_us(2, 20);
            ltt::payload_writer hx;
            hx.put(c.irq).put(std::int32_t{1});
            dom0(v, c.t_handler_exit, "irq_handler_exit", hx);
            t = c.t_handler_exit;
            truth_.chains.push_back(c);
            served[c.port] = &c;
        }
        t += us(0.3);
        dom0(v, t, "xen_evtchn_upcall_exit", u);
        v.pending.clear();
        v.upcall_pending = false;
        now_ = t + 1;
    }

    void slice_end(vcpu& v) {
        report_loss_if_due();
        const bool block = v.domid == 0 ? rand_.uniform() < 0.7 : rand_.uniform() < 0.3;
        if (block) {
            ltt::payload_writer p;
            p.put(static_cast<std::uint16_t>(v.domid)).put(static_cast<std::uint16_t>(v.id));
            xen(now_, "sched_block", p);
            v.wake_at = now_ + random_us(30, 1500);
            vcpu* next = runq_.empty() ? vcpus_.front() : runq_.front();
            if (!runq_.empty())
                runq_.pop_front();
            switch_to(next, runstate::blocked, now_ + us(0.2));
        } else if (!runq_.empty()) {
            vcpu* next = runq_.front();
            runq_.pop_front();
            switch_to(next, runstate::runnable, now_);
        } else {
            v.slice_end = now_ + random_us(30, 400);
        }
    }

    void hypercall(vcpu& v) {
        report_loss_if_due();
        static constexpr std::pair<std::uint8_t, double> mix[] = {
            {1, 0.30},  {26, 0.15}, {14, 0.15}, {32, 0.10}, {20, 0.10},
            {29, 0.05}, {24, 0.05}, {17, 0.05}, {13, 0.05}};
        double r = rand_.uniform();
        std::uint8_t number = 1;
        for (const auto& [n, share] : mix) {
            if (r < share) {
                number = n;
                break;
            }
            r -= share;
        }
        if (number == 20 && (v.domid != 0 || !o_.domu))
            number = 1;
        const std::uint64_t a = now_;
        const std::uint64_t d = us(static_cast<double>(rand_.range(5, 50)) / 10.0);
        ltt::payload_writer e;
        e.put(number);
        xen(a, "hypercall_entry", e);
        if (number == 20) {
            const bool map = (grant_ref_ & 1) == 0;
            ltt::payload_writer g;
            g.put(std::uint16_t{1}).put(grant_ref_ / 2 + 8).put(std::uint16_t{0});
            xen(a + d / 2, map ? "memory_grant_map" : "memory_grant_unmap", g);
            if (dropping_ == 0) {
                auto& counts = truth_.grants[{1, 0}];
                (map ? counts.first : counts.second) += 1;
            }
            ++grant_ref_;
        }
        ltt::payload_writer x;
        x.put(number).put(std::int64_t{0}).put(std::uint8_t{0});
        xen(a + d, "hypercall_exit", x);
        episode(a, a + d);
        if (dropping_ == 0) {
            auto& h = truth_.hypercalls[{v.domid, number}];
            ++h.first;
            h.second += d;
        }
        now_ = a + d + 1;
        v.next_hypercall = now_ + random_us(2, 40);
    }

    void statedump(std::uint64_t ts) {
        ltt::payload_writer none;
        xen(ts, "domain_statedump_start", none);
        std::vector<std::pair<std::uint32_t, std::uint32_t>> domains{{0, o_.dom0_vcpus}};
        if (o_.domu)
            domains.emplace_back(1, 1);
        for (const auto& [dom, n] : domains) {
            ltt::payload_writer p;
            p.put(static_cast<std::uint16_t>(dom))
                .put(std::uint8_t{0}) // pv
                .put(n)
                .put(static_cast<std::uint8_t>(dom == 0))
                .put(static_cast<std::uint8_t>(dom == 0))
                .put(std::uint8_t{0})
                .put(std::uint8_t{0})
                .put(std::int32_t{0});
            xen(ts, "domain_statedump_domain", p);
            for (std::uint32_t i = 0; i < n; ++i) {
                ltt::payload_writer q;
                q.put(static_cast<std::uint16_t>(dom))
                    .put(static_cast<std::uint16_t>(i))
                    .put(static_cast<std::uint16_t>(dom == 0 ? i % o_.pcpus : 0))
                    .put(std::uint8_t{2});
                xen(ts, "domain_statedump_vcpu", q);
            }
        }
        for (std::uint32_t i = 0; i < o_.dom0_vcpus; ++i) {
            ltt::payload_writer q;
            q.put(std::uint16_t{0})
                .put(70000 + i)       // FIFO ports go up to 2^17
                .put(std::uint8_t{4}) // ECS_PIRQ
                .put(static_cast<std::uint16_t>(i))
                .put(std::uint16_t{0})
                .put(std::uint32_t{0})
                .put(1000 + i)
                .put(std::uint32_t{0})
                .put(std::uint8_t{0});
            xen(ts, "domain_statedump_evtchn", q);
        }
        xen(ts, "domain_statedump_end", none);
    }

    std::uint32_t pcpu_;
    std::vector<vcpu*> vcpus_; // [0] is this CPU's idle vCPU
    const model_options& o_;
    const event_sink& sink_;
    truth& truth_;
    rng rand_;
    std::uint64_t now_;
    std::uint64_t next_tick_ = 0;
    vcpu* current_ = nullptr;
    std::deque<vcpu*> runq_;
    lane_truth lane_;
    std::uint64_t mark_ = 0;
    bool lost_mode_ = false;
    bool have_emitted_ = false;
    std::uint64_t last_emitted_ = 0;
    std::uint64_t emitted_ = 0, budget_ = 0;
    std::uint64_t dropping_ = 0, dropped_here_ = 0;
    bool lost_once_ = false, pending_loss_report_ = false;
    std::uint32_t grant_ref_ = 0;
};

} // namespace

truth run_model(const model_options& o, const event_sink& sink) {
    truth t;
    t.tsc_hz = o.tsc_hz;
    std::vector<std::unique_ptr<vcpu>> all;
    // The truth entries first, so their addresses stay put.
    t.vcpus.reserve(o.dom0_vcpus + 1);
    for (std::uint32_t i = 0; i < o.dom0_vcpus; ++i)
        t.vcpus.push_back({0, i, 0, 0, 0, 0, {}});
    if (o.domu)
        t.vcpus.push_back({1, 0, 0, 0, 0, 0, {}});
    std::vector<std::vector<vcpu*>> per_cpu(o.pcpus);
    for (std::uint32_t p = 0; p < o.pcpus; ++p) {
        auto idle = std::make_unique<vcpu>();
        idle->domid = domid_idle;
        idle->id = p;
        idle->idle = true;
        per_cpu[p].push_back(idle.get());
        all.push_back(std::move(idle));
    }
    for (std::uint32_t i = 0; i < o.dom0_vcpus; ++i) {
        auto v = std::make_unique<vcpu>();
        v->domid = 0;
        v->id = i;
        v->truth = &t.vcpus[i];
        v->dev = std::make_unique<device>();
        v->dev->vector = 0x60 + i;
        v->dev->xen_irq = static_cast<std::int32_t>(40 + i);
        v->dev->pirq = 1000 + i;
        v->dev->port = 70000 + i;
        v->dev->irq = static_cast<std::int32_t>(300 + i); // above 255
        v->dev->name = fmt::format("virtio{}-requests", i);
        per_cpu[i % o.pcpus].push_back(v.get());
        all.push_back(std::move(v));
    }
    if (o.domu) {
        auto v = std::make_unique<vcpu>();
        v->domid = 1;
        v->id = 0;
        v->truth = &t.vcpus.back();
        per_cpu[0].push_back(v.get());
        all.push_back(std::move(v));
    }
    // dom0's kernel says at start which port is which irq.
    for (std::uint32_t i = 0; i < o.dom0_vcpus; ++i) {
        ltt::payload_writer p;
        p.put(70000 + i)
            .put(static_cast<std::int32_t>(300 + i))
            .put(std::uint8_t{1}) // pirq
            .put(static_cast<std::int32_t>(i))
            .put(1000 + i)
            .put_string(fmt::format("virtio{}-requests", i));
        sink.dom0(0, 1000, "xen_evtchn_statedump_irq", p);
        ++t.dom0_events["xen_evtchn_statedump_irq"];
    }
    for (std::uint32_t p = 0; p < o.pcpus; ++p) {
        cpu_sim sim(p, per_cpu[p], o, sink, t, 2000);
        sim.run();
    }
    return t;
}

} // namespace ltt::synth
