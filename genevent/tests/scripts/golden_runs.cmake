# The golden runs of genevent: one entry per target and facility set,
#   <name>|<target>|<facility files, comma-separated, relative to
#   tests/facilities, in id order>|<directory under tests/golden>
# Shared by the golden tests, the determinism test and the
# genevent-update-golden target, so all three always cover the same runs.
set(GENEVENT_GOLDEN_RUNS
  "xen|xen|xen/sample_sched.xml,xen/sample_mem.xml|xen"
  "kernel|kernel|kernel/sample_kernel.xml|kernel"
  "ust|ust|ust/sample_app.xml|ust"
  "ctf-xen|ctf|xen/sample_sched.xml,xen/sample_mem.xml|ctf/xen"
  "ctf-kernel|ctf|kernel/sample_kernel.xml|ctf/kernel"
  "ctf-ust|ctf|ust/sample_app.xml|ctf/ust"
  "cpp-xen|cpp|xen/sample_sched.xml,xen/sample_mem.xml|cpp/xen"
  "cpp-kernel|cpp|kernel/sample_kernel.xml|cpp/kernel"
  "cpp-ust|cpp|ust/sample_app.xml|cpp/ust"
)
