#include "session_state.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

using lttd::session_phase;
using lttd::session_state;

TEST(SessionState, StartStopRestart) {
    session_state s(false);
    EXPECT_EQ(s.phase(), session_phase::created);
    EXPECT_FALSE(s.can_start());
    EXPECT_TRUE(s.can_stop());
    s.on_started();
    EXPECT_EQ(s.phase(), session_phase::active);
    EXPECT_TRUE(s.can_start()); // already active
    EXPECT_FALSE(s.can_stop());
    s.on_stopped();
    EXPECT_EQ(s.phase(), session_phase::stopped);
    EXPECT_FALSE(s.can_start());
    s.on_started();
    EXPECT_EQ(s.phase(), session_phase::active);
}

TEST(SessionState, RefusedTransitionsThrow) {
    session_state s(false);
    EXPECT_THROW(s.on_stopped(), std::logic_error);
    s.on_started();
    EXPECT_THROW(s.on_started(), std::logic_error);
}

TEST(SessionState, SnapshotNeedsOverwriteAndAStart) {
    session_state discard(false);
    discard.on_started();
    ASSERT_TRUE(discard.can_snapshot());
    EXPECT_NE(discard.can_snapshot()->find("discard"), std::string::npos);

    session_state overwrite(true);
    ASSERT_TRUE(overwrite.can_snapshot());
    EXPECT_NE(overwrite.can_snapshot()->find("never started"), std::string::npos);
    overwrite.on_started();
    EXPECT_FALSE(overwrite.can_snapshot());
    overwrite.on_stopped();
    EXPECT_FALSE(overwrite.can_snapshot()); // the buffers still hold the records
}

TEST(SessionState, FailureStopsAndBlocksRestart) {
    session_state s(false);
    s.on_started();
    s.on_failed("disk full");
    EXPECT_EQ(s.phase(), session_phase::stopped);
    ASSERT_TRUE(s.failure());
    EXPECT_EQ(*s.failure(), "disk full");
    ASSERT_TRUE(s.can_start());
    EXPECT_NE(s.can_start()->find("disk full"), std::string::npos);
    s.on_failed("second reason"); // the first one is kept
    EXPECT_EQ(*s.failure(), "disk full");
}

TEST(SessionState, FailureBeforeStart) {
    session_state s(true);
    s.on_failed("source vanished");
    EXPECT_EQ(s.phase(), session_phase::created);
    EXPECT_TRUE(s.can_start());
}
