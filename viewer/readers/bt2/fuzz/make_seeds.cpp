// Seeds of the generic CTF reader's fuzzer: the hand-built sample stream
// whole and cut at packet boundaries (tests/ctf_sample_trace.hpp).
#include "../../../tests/ctf_sample_trace.hpp"

#include <fstream>
#include <string>

int main(int argc, char** argv) {
    if (argc != 2)
        return 2;
    for (int packets = 1; packets <= 3; ++packets) {
        const auto bytes = ltt::viewer::test::sample_stream(packets);
        std::ofstream out(std::string(argv[1]) + "/sample-" + std::to_string(packets),
                          std::ios::binary);
        out.write(reinterpret_cast<const char*>(bytes.data()),
                  static_cast<std::streamsize>(bytes.size()));
        if (!out)
            return 1;
    }
    return 0;
}
