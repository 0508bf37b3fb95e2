# ltt-xen: top-level entry point. User-space code is built with CMake (Ninja);
# this Makefile only wires the steps users run.

BUILD      ?= build
BUILD_SAN  ?= build-san
BUILD_TSAN ?= build-tsan
PREFIX     ?= /usr/local
DESTDIR    ?=
JOBS       ?= $(shell nproc)
CMAKE_GEN  := -G Ninja

.PHONY: all tools deps deps-if-missing check check-fast check-san check-tsan bench install format format-check clean

all: $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

# Only what a recording needs: the targets of the `tools` install component
# (lttd, ltt-ctl, ltt-view, the facilities' CTF declarations, the lttng-ust
# clock plugin; CMakeLists.txt), not the tests and benchmarks.
tools: deps-if-missing $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS) --target ltt_tools

# The tools component installed as dom0 has it, /usr/local under
# $(BUILD)/e2e-install: what `make demo` and the e2e scenarios copy into
# dom0, so what they test is what `make install` installs.
E2E_INSTALL := $(BUILD)/e2e-install
.PHONY: e2e-install
e2e-install: tools
	rm -rf $(E2E_INSTALL)
	DESTDIR=$(abspath $(E2E_INSTALL)) cmake --install $(BUILD) --component tools --prefix /usr/local

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DCMAKE_INSTALL_PREFIX=$(PREFIX)

deps:
	sh scripts/install-deps.sh

# The README's commands work on a fresh machine: install what is missing.
deps-if-missing:
	sh scripts/install-deps.sh --if-missing

# Every test through CTest: the normal build, then the same tests under
# AddressSanitizer + UndefinedBehaviorSanitizer, then the concurrency tests
# under ThreadSanitizer.
check: deps-if-missing
	$(MAKE) check-fast check-san check-tsan

check-fast: all
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

check-san:
	cmake -S . -B $(BUILD_SAN) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Debug -DLTT_SANITIZE=address
	cmake --build $(BUILD_SAN) -j $(JOBS)
	cd $(BUILD_SAN) && ctest --output-on-failure -j $(JOBS) -L sanitize

check-tsan:
	cmake -S . -B $(BUILD_TSAN) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLTT_SANITIZE=thread
	cmake --build $(BUILD_TSAN) -j $(JOBS) --target ltt_tsan_tests
	cd $(BUILD_TSAN) && ctest --output-on-failure -j $(JOBS) -L tsan

bench: all
	mkdir -p $(BUILD)/bench
	cmake --build $(BUILD) --target bench-run

# End to end on real Xen 4.17 booted under QEMU (test/e2e/README.md): every
# scenario under test/e2e/scenarios/, or only E2E_SCENARIOS="a b". Inputs are
# cached in work-xen/e2e/, results go to e2e-out/. Each QEMU run has its own
# time limit (scenario.conf, scaled by the speed dom0 measures: a busy host
# slows the emulated CPUs down); E2E_TIMEOUT only bounds a runaway.
E2E_SCENARIOS ?=
E2E_TIMEOUT   ?= 10800

.PHONY: e2e demo

e2e: deps-if-missing
	timeout -k 30 $(E2E_TIMEOUT) test/e2e/run.sh $(E2E_SCENARIOS)

# One scenario (test/e2e/scenarios/demo): build what it needs, boot once,
# record the hypervisor during a workload, snapshot the flight recorder,
# check on the host, print the report.
demo: deps-if-missing
	timeout -k 30 $(E2E_TIMEOUT) test/e2e/demo.sh

# The systemd unit and the man pages name installed paths: the build is
# configured for PREFIX first.
install: deps-if-missing
	cmake -S . -B $(BUILD) $(CMAKE_GEN) -DCMAKE_INSTALL_PREFIX=$(PREFIX)
	cmake --build $(BUILD) -j $(JOBS)
	DESTDIR=$(DESTDIR) cmake --install $(BUILD)

# Debian packages (debian/): ltt-xen (the dom0 tools and lttd.service),
# ltt-xen-dev (headers), ltt-guest-dkms (ltt-guest.ko for DKMS), written to
# $(DEB_OUT); lintian checks them.
DEB_OUT ?= deb-out
.PHONY: deb
deb: deps-if-missing
	sh scripts/make-deb.sh $(DEB_OUT)

format:
	git ls-files '*.cpp' '*.hpp' '*.h' '*.c' | grep -v '^xen-patches/' | xargs clang-format -i

format-check:
	git ls-files '*.cpp' '*.hpp' '*.h' '*.c' | grep -v '^xen-patches/' | xargs clang-format --dry-run --Werror

# The patched Xen hypervisor (xen-patches/README.md): Debian's Xen 4.17
# source + xen-patches/ + include/ltt + genevent's Xen headers, built in
# work-xen/ (not in git). Prints where the result is.
.PHONY: xen
xen: deps-if-missing $(BUILD)/build.ninja
	cmake --build $(BUILD) --target ltt_generated_xen
	XEN_JOBS=$(JOBS) sh xen-patches/build-xen.sh $(BUILD)/generated/xen

# The same hypervisor with XSM/Flask, and two Flask policies (Xen's default,
# and one without dom0's tbufcontrol), in work-xen/xen-ltt-flask/
# (xen-patches/README.md, "XSM"); `make xen` is not affected.
.PHONY: xen-flask
xen-flask: deps-if-missing $(BUILD)/build.ninja
	cmake --build $(BUILD) --target ltt_generated_xen
	XEN_LTT_XSM=flask XEN_JOBS=$(JOBS) sh xen-patches/build-xen.sh $(BUILD)/generated/xen

# ltt-guest.ko (kernel-patches/ltt-guest/) against the headers of the kernel
# the e2e dom0 boots; fails on any header mismatch. Prints where it is.
.PHONY: guest-module
guest-module: $(BUILD)/build.ninja
	cmake --build $(BUILD) --target ltt_generated_kernel
	sh kernel-patches/ltt-guest/build.sh $(BUILD)/generated/kernel $(BUILD)/ltt-guest

clean:
	rm -rf $(BUILD) $(BUILD_SAN) $(BUILD_TSAN)
