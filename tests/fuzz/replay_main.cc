// A main() for fuzz targets built without libFuzzer (the g++ build and CI):
// runs LLVMFuzzerTestOneInput on every file of the seed corpus directories
// given on the command line, then on a fixed number of deterministic
// mutations of each seed (bit flips, truncations, insertions, splices), so
// CI exercises the target on hostile input without a fuzzing engine. Real
// fuzzing: build with clang and -DGRIDCASE_LIBFUZZER=ON (docs/operations.md).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

constexpr int kMutationsPerSeed = 300;

std::string Mutate(const std::string& seed, const std::string& other,
                   std::mt19937& rng) {
  std::string s = seed;
  int edits = 1 + static_cast<int>(rng() % 4);
  for (int e = 0; e < edits; ++e) {
    switch (rng() % 5) {
      case 0:  // flip a bit
        if (!s.empty())
          s[rng() % s.size()] ^= static_cast<char>(1 << (rng() % 8));
        break;
      case 1:  // truncate
        if (!s.empty()) s.resize(rng() % s.size());
        break;
      case 2:  // insert a byte
        s.insert(s.begin() + (s.empty() ? 0 : rng() % s.size()),
                 static_cast<char>(rng() % 256));
        break;
      case 3:  // duplicate a slice
        if (s.size() > 2) {
          size_t a = rng() % s.size();
          size_t n = 1 + rng() % std::min<size_t>(64, s.size() - a);
          s.insert(rng() % s.size(), s.substr(a, n));
        }
        break;
      default:  // splice with another seed
        if (!other.empty())
          s = s.substr(0, rng() % (s.size() + 1)) +
              other.substr(rng() % other.size());
        break;
    }
  }
  return s;
}

void Run(const std::string& input) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()),
                         input.size());
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> seeds;
  for (int i = 1; i < argc; ++i) {
    for (const auto& entry : std::filesystem::directory_iterator(argv[i])) {
      std::ifstream in(entry.path(), std::ios::binary);
      seeds.emplace_back(std::istreambuf_iterator<char>(in),
                         std::istreambuf_iterator<char>());
    }
  }
  if (seeds.empty()) {
    std::fprintf(stderr, "no seeds found\n");
    return 1;
  }
  std::mt19937 rng(20261125);
  long runs = 0;
  for (size_t i = 0; i < seeds.size(); ++i) {
    Run(seeds[i]);
    ++runs;
    for (int m = 0; m < kMutationsPerSeed; ++m) {
      Run(Mutate(seeds[i], seeds[(i + 1) % seeds.size()], rng));
      ++runs;
    }
  }
  std::printf("%zu seeds, %ld inputs, no crash\n", seeds.size(), runs);
  return 0;
}
