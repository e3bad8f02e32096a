#include "job/line_splitter.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace pipeline::exec {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class LineSplitterTest : public ::testing::Test {
 protected:
  LineSplitter MakeSplitter(size_t max_line = 64 * 1024) {
    return LineSplitter([this](std::string_view line) { lines_.emplace_back(line); }, max_line);
  }

  /// Feeds `text` cut into chunks of `size` bytes, then flushes.
  std::vector<std::string> SplitInChunks(const std::string& text, size_t size,
                                         size_t max_line = 64 * 1024) {
    lines_.clear();
    LineSplitter splitter = MakeSplitter(max_line);
    for (size_t i = 0; i < text.size(); i += size) splitter.Feed(text.substr(i, size));
    splitter.Flush();
    return lines_;
  }

  std::vector<std::string> lines_;
};

TEST_F(LineSplitterTest, WholeLinesInOneChunk) {
  LineSplitter splitter = MakeSplitter();
  splitter.Feed("one\ntwo\n");
  EXPECT_THAT(lines_, ElementsAre("one", "two"));
}

TEST_F(LineSplitterTest, PartialLineWaitsForItsNewline) {
  LineSplitter splitter = MakeSplitter();
  splitter.Feed("hel");
  EXPECT_THAT(lines_, IsEmpty());
  splitter.Feed("lo\nwor");
  EXPECT_THAT(lines_, ElementsAre("hello"));
  splitter.Feed("ld\n");
  EXPECT_THAT(lines_, ElementsAre("hello", "world"));
}

TEST_F(LineSplitterTest, ChunksSplitAnywhereGiveTheSameLines) {
  const std::string text = "first line\n\nthird\r\nfourth has more words\nlast";
  for (size_t size = 1; size <= text.size(); ++size) {
    EXPECT_THAT(SplitInChunks(text, size),
                ElementsAre("first line", "", "third", "fourth has more words", "last"))
        << "chunk size " << size;
  }
}

TEST_F(LineSplitterTest, EmptyLinesAreKept) {
  LineSplitter splitter = MakeSplitter();
  splitter.Feed("\n\n");
  EXPECT_THAT(lines_, ElementsAre("", ""));
}

TEST_F(LineSplitterTest, CarriageReturnBeforeNewlineIsDropped) {
  LineSplitter splitter = MakeSplitter();
  splitter.Feed("dos\r\n");
  splitter.Feed("split\r");
  splitter.Feed("\n");
  EXPECT_THAT(lines_, ElementsAre("dos", "split"));
}

TEST_F(LineSplitterTest, CarriageReturnInsideALineIsKept) {
  LineSplitter splitter = MakeSplitter();
  splitter.Feed("10%\r50%\r100%\n");
  EXPECT_THAT(lines_, ElementsAre("10%\r50%\r100%"));
}

TEST_F(LineSplitterTest, FlushEmitsTheUnterminatedRest) {
  LineSplitter splitter = MakeSplitter();
  splitter.Feed("done\nno newline");
  EXPECT_THAT(lines_, ElementsAre("done"));
  splitter.Flush();
  EXPECT_THAT(lines_, ElementsAre("done", "no newline"));
}

TEST_F(LineSplitterTest, FlushWithNothingLeftEmitsNothing) {
  LineSplitter splitter = MakeSplitter();
  splitter.Flush();
  splitter.Feed("x\n");
  splitter.Flush();
  splitter.Flush();
  EXPECT_THAT(lines_, ElementsAre("x"));
}

TEST_F(LineSplitterTest, LongLineWithoutNewlineIsCutAtMaxLine) {
  LineSplitter splitter = MakeSplitter(4);
  splitter.Feed("abcdefghij");
  EXPECT_THAT(lines_, ElementsAre("abcd", "efgh"));
  splitter.Flush();
  EXPECT_THAT(lines_, ElementsAre("abcd", "efgh", "ij"));
}

TEST_F(LineSplitterTest, LongLineFedInSmallChunksIsCut) {
  EXPECT_THAT(SplitInChunks("abcdefghij\nxy\n", 3, 4), ElementsAre("abcd", "efgh", "ij", "xy"));
}

TEST_F(LineSplitterTest, MemoryStaysBoundedWithoutNewlines) {
  size_t count = 0;
  size_t longest = 0;
  LineSplitter splitter(
      [&](std::string_view line) {
        ++count;
        longest = std::max(longest, line.size());
      },
      16);
  for (int i = 0; i < 100; ++i) splitter.Feed("0123456789");
  EXPECT_EQ(count, 62u);  // 1000 bytes = 62 lines of 16, 8 bytes left
  EXPECT_EQ(longest, 16u);
}

TEST_F(LineSplitterTest, LongLineEndingInTheSameChunkIsCut) {
  LineSplitter splitter = MakeSplitter(4);
  splitter.Feed("abcdefghij\n");
  EXPECT_THAT(lines_, ElementsAre("abcd", "efgh", "ij"));
}

TEST_F(LineSplitterTest, LineOfExactlyMaxLineSplitBeforeItsNewline) {
  EXPECT_THAT(SplitInChunks("abcd\nef\n", 8, 4), ElementsAre("abcd", "ef"));
  EXPECT_THAT(SplitInChunks("abcd\nef\n", 4, 4), ElementsAre("abcd", "ef"));
}

}  // namespace
}  // namespace pipeline::exec
