#include "docker/frame_demuxer.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace pipeline::docker {
namespace {

std::string Frame(int stream, const std::string& payload) {
  std::string frame(8, '\0');
  frame[0] = static_cast<char>(stream);
  uint32_t size = static_cast<uint32_t>(payload.size());
  frame[4] = static_cast<char>((size >> 24) & 0xff);
  frame[5] = static_cast<char>((size >> 16) & 0xff);
  frame[6] = static_cast<char>((size >> 8) & 0xff);
  frame[7] = static_cast<char>(size & 0xff);
  return frame + payload;
}

struct Collected {
  std::string out;
  std::string err;
  OutputHandler Handler() {
    return [this](StreamKind kind, std::string_view data) {
      (kind == StreamKind::kStderr ? err : out).append(data);
    };
  }
};

TEST(FrameDemuxerTest, SeparatesStdoutAndStderr) {
  Collected got;
  FrameDemuxer demuxer(got.Handler());
  std::string input = Frame(1, "out one\n") + Frame(2, "err\n") + Frame(1, "out two\n");
  demuxer.Feed(input.data(), input.size());
  EXPECT_EQ(got.out, "out one\nout two\n");
  EXPECT_EQ(got.err, "err\n");
  EXPECT_FALSE(demuxer.mid_frame());
}

TEST(FrameDemuxerTest, HandsOnPayloadBeforeTheFrameIsComplete) {
  Collected got;
  FrameDemuxer demuxer(got.Handler());
  std::string input = Frame(1, "0123456789");
  demuxer.Feed(input.data(), 12);  // header and the first four payload bytes
  EXPECT_EQ(got.out, "0123");
  EXPECT_TRUE(demuxer.mid_frame());
  demuxer.Feed(input.data() + 12, input.size() - 12);
  EXPECT_EQ(got.out, "0123456789");
  EXPECT_FALSE(demuxer.mid_frame());
}

TEST(FrameDemuxerTest, HeadersSplitAcrossFeeds) {
  Collected got;
  FrameDemuxer demuxer(got.Handler());
  std::string input = Frame(2, "abc") + Frame(1, "def");
  for (char byte : input) demuxer.Feed(&byte, 1);
  EXPECT_EQ(got.err, "abc");
  EXPECT_EQ(got.out, "def");
}

TEST(FrameDemuxerTest, ZeroLengthFramesAndUnknownStreams) {
  Collected got;
  FrameDemuxer demuxer(got.Handler());
  std::string input = Frame(1, "") + Frame(0, "stdin echo") + Frame(2, "") + Frame(1, "x");
  demuxer.Feed(input.data(), input.size());
  EXPECT_EQ(got.out, "stdin echox");
  EXPECT_EQ(got.err, "");
}

TEST(FrameDemuxerTest, LargeFramesWithLengthBytesAbove127) {
  Collected got;
  FrameDemuxer demuxer(got.Handler());
  std::string big(70000 + 200, 'z');  // length bytes 0x00 0x01 0x11 0xb8
  std::string input = Frame(1, big);
  demuxer.Feed(input.data(), input.size());
  EXPECT_EQ(got.out, big);
}

TEST(FrameDemuxerTest, AnyChunkingGivesTheSameStreams) {
  std::mt19937 random(42);
  std::string input;
  std::string want_out;
  std::string want_err;
  for (int i = 0; i < 200; ++i) {
    std::string payload(random() % 300, static_cast<char>('a' + i % 26));
    int stream = 1 + static_cast<int>(random() % 2);
    (stream == 1 ? want_out : want_err) += payload;
    input += Frame(stream, payload);
  }
  for (int round = 0; round < 20; ++round) {
    Collected got;
    FrameDemuxer demuxer(got.Handler());
    for (size_t pos = 0; pos < input.size();) {
      size_t take = std::min<size_t>(input.size() - pos, 1 + random() % 50);
      demuxer.Feed(input.data() + pos, take);
      pos += take;
    }
    EXPECT_EQ(got.out, want_out);
    EXPECT_EQ(got.err, want_err);
  }
}

}  // namespace
}  // namespace pipeline::docker
