"""How long this machine takes to hand a program fresh memory: maps BYTES of anonymous memory and
writes one byte per page, so the kernel must find, clear and map every page (and, on a virtual
machine whose guest returns free pages to its host, the host must back each one again).

    python3 bench/touch.py BYTES     prints the seconds taken

bench/scaling.sh runs it at each size's peak memory, to tell how much of the time a larger run
takes is the machine's price for memory rather than the program's own work.
"""

import mmap
import sys
import time


def main() -> None:
    if len(sys.argv) != 2 or not sys.argv[1].isdigit() or int(sys.argv[1]) <= 0:
        sys.exit("usage: python3 bench/touch.py BYTES (a positive whole number)")
    size = int(sys.argv[1])
    page = mmap.PAGESIZE
    size = max(size - size % page, page)
    pages = size // page
    memory = mmap.mmap(-1, size)
    start = time.perf_counter()
    memory[0:size:page] = b"\x01" * pages
    took = time.perf_counter() - start
    if memory[size - page] != 1:
        sys.exit("bench/touch.py: the last page was not written")
    print(f"{took:.3f}")


if __name__ == "__main__":
    main()
