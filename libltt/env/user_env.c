/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/* The user-space environment's globals (see ltt-env.h). */
#include <ltt-env.h>

unsigned char ltt_event_enabled[LTT_USER_MAX_EVENTS];
__thread struct ltt_buf* ltt_user_current_buf __attribute__((tls_model("initial-exec")));
