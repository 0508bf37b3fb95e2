/*
 * ltt-e2e-guest-exits - a fixed amount of work that makes a hardware-
 * virtualised (PVH/HVM) guest exit to Xen for known reasons, for the e2e
 * pvh scenario (test/e2e/scenarios/pvh): run in the guest as root,
 *
 *     ltt-e2e-guest-exits CPUID_COUNT IO_COUNT
 *
 * executes CPUID (leaf 0) CPUID_COUNT times and reads I/O port 0x84 (a DMA
 * page register no PVH guest has) IO_COUNT times (after ioperm): under SVM
 * every CPUID is a VMEXIT_CPUID and every IN a VMEXIT_IOIO (Xen intercepts
 * every port of an HVM guest but 0x80 and 0xed, the delay ports, and answers
 * a port nothing emulates with all ones), so the two rounds of the scenario (ltt-xen, stock
 * xentrace) can be compared exit reason by exit reason. The counts are
 * fixed, not time-boxed: they are what the comparison subtracts. It prints
 * one line: "exits: cpuid N io M seconds S". Static (the guest's initramfs
 * has no C library).
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/io.h>
#include <time.h>

#define IO_PORT 0x84

static unsigned long parse_count(const char *s, const char *what)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v > 100000000ul) {
		fprintf(stderr, "ltt-e2e-guest-exits: bad %s count '%s'\n", what, s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	unsigned long cpuid_count, io_count, i;
	struct timespec t0, t1;

	if (argc != 3) {
		fprintf(stderr, "usage: ltt-e2e-guest-exits CPUID_COUNT IO_COUNT\n");
		return 2;
	}
	cpuid_count = parse_count(argv[1], "cpuid");
	io_count = parse_count(argv[2], "io");
	if (io_count && ioperm(IO_PORT, 1, 1) != 0) {
		perror("ltt-e2e-guest-exits: ioperm");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < cpuid_count; i++) {
		unsigned int a = 0, b, c = 0, d;

		__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	}
	for (i = 0; i < io_count; i++)
		(void)inb(IO_PORT);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("exits: cpuid %lu io %lu seconds %.3f\n", cpuid_count, io_count,
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	return 0;
}
