// Replay driver for the fuzz targets when they are built without libFuzzer (every preset):
// feeds each file of the corpus directories given as arguments to LLVMFuzzerTestOneInput,
// then deterministic mutations of it: every truncation to fewer than 64 bytes and, for each
// of the first 64 bytes, two bit flips. Files are taken in name order so runs repeat. A
// failing input aborts the process (sanitizer or FuzzCheck) after its name is printed.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

// Runs one input from a buffer of its own, so ASan catches reads past its end.
void RunOne(const std::string& input) {
  std::vector<std::uint8_t> bytes(input.begin(), input.end());
  LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
}

std::size_t ReplayFile(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  const std::string input((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::fprintf(stderr, "replay %s\n", file.string().c_str());
  std::size_t runs = 0;
  RunOne(input);
  ++runs;
  const std::size_t limit = std::min<std::size_t>(input.size(), 64);
  for (std::size_t length = 0; length < limit; ++length, ++runs) RunOne(input.substr(0, length));
  for (std::size_t i = 0; i < limit; ++i) {
    for (int mask : {0x01, 0x20}) {
      std::string mutated = input;
      mutated[i] = static_cast<char>(static_cast<unsigned char>(mutated[i]) ^ mask);
      RunOne(mutated);
      ++runs;
    }
  }
  return runs;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR...\n", argv[0]);
    return 2;
  }
  std::size_t files = 0;
  std::size_t runs = 0;
  for (int i = 1; i < argc; ++i) {
    std::vector<std::filesystem::path> paths;
    for (const auto& entry : std::filesystem::directory_iterator(argv[i])) {
      if (entry.is_regular_file()) paths.push_back(entry.path());
    }
    std::sort(paths.begin(), paths.end());
    for (const auto& path : paths) {
      runs += ReplayFile(path);
      ++files;
    }
  }
  if (files == 0) {
    std::fprintf(stderr, "no corpus files in the given directories\n");
    return 1;
  }
  std::printf("replayed %zu files, %zu inputs\n", files, runs);
  return 0;
}
