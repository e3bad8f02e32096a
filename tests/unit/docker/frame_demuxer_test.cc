#include "docker/frame_demuxer.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <utility>
#include <vector>

#include "unit/docker/frames.h"

namespace pipeline::docker {
namespace {

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

TEST(FrameDemuxerTest, WholeFramesAreHandedOnOnceEachHoweverTheyArrive) {
  std::vector<std::pair<StreamKind, std::string>> frames;
  FrameDemuxer demuxer(
      [&](StreamKind kind, std::string_view data) { frames.emplace_back(kind, data); },
      FrameDemuxer::Delivery::kWholeFrames);
  std::string input = Frame(1, "0123456789") + Frame(2, "") + Frame(2, "err\n");
  for (char byte : input) demuxer.Feed(&byte, 1);
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(frames[0], std::make_pair(StreamKind::kStdout, std::string("0123456789")));
  EXPECT_EQ(frames[1], std::make_pair(StreamKind::kStderr, std::string()));
  EXPECT_EQ(frames[2], std::make_pair(StreamKind::kStderr, std::string("err\n")));
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

TEST(FrameDemuxerTest, EverySplitIntoThreeFeedsGivesTheSameStreams) {
  std::string input = Frame(1, "line one\n") + Frame(2, "") + Frame(2, "oops\n") + Frame(1, "z");
  for (size_t i = 0; i <= input.size(); ++i) {
    for (size_t j = i; j <= input.size(); ++j) {
      Collected got;
      FrameDemuxer demuxer(got.Handler());
      demuxer.Feed(input.data(), i);
      demuxer.Feed(input.data() + i, j - i);
      demuxer.Feed(input.data() + j, input.size() - j);
      ASSERT_EQ(got.out, "line one\nz") << "split at " << i << ", " << j;
      ASSERT_EQ(got.err, "oops\n") << "split at " << i << ", " << j;
      ASSERT_FALSE(demuxer.mid_frame());
    }
  }
}

TEST(FrameDemuxerTest, KeepsTheOrderOfChunksAndNeverHandsOnEmptyOnes) {
  std::vector<std::pair<StreamKind, std::string>> calls;
  FrameDemuxer demuxer(
      [&](StreamKind kind, std::string_view data) { calls.emplace_back(kind, std::string(data)); });
  std::string input = Frame(2, "a") + Frame(1, "") + Frame(1, "b") + Frame(2, "c");
  demuxer.Feed(input.data(), input.size());
  std::vector<std::pair<StreamKind, std::string>> want = {
      {StreamKind::kStderr, "a"}, {StreamKind::kStdout, "b"}, {StreamKind::kStderr, "c"}};
  EXPECT_EQ(calls, want);
}

TEST(FrameDemuxerTest, ACutStreamIsNoticedInTheHeaderAndInThePayload) {
  Collected got;
  FrameDemuxer demuxer(got.Handler());
  std::string input = Frame(1, "abc");
  demuxer.Feed(input.data(), 5);
  EXPECT_TRUE(demuxer.mid_frame());
  EXPECT_EQ(got.out, "");
  demuxer.Feed(input.data() + 5, 4);
  EXPECT_TRUE(demuxer.mid_frame());
  EXPECT_EQ(got.out, "a");
  demuxer.Feed(nullptr, 0);
  EXPECT_TRUE(demuxer.mid_frame());
}

TEST(FrameDemuxerTest, ManyLargeFramesInSmallPieces) {
  std::string one(1 << 20, 'o');
  std::string two(3 << 19, 'e');
  std::string input = Frame(1, one) + Frame(2, two) + Frame(1, one);
  Collected got;
  FrameDemuxer demuxer(got.Handler());
  for (size_t pos = 0; pos < input.size(); pos += 4093) {
    demuxer.Feed(input.data() + pos, std::min<size_t>(4093, input.size() - pos));
  }
  EXPECT_EQ(got.out, one + one);
  EXPECT_EQ(got.err, two);
}

}  // namespace
}  // namespace pipeline::docker
