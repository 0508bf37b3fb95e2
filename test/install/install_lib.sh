# Shared by the install tests (sourced after test/lttd/lib.sh): installs
# the build into $WORK/dest with the prefix it was configured for (the
# unit names installed paths); $root is the tree.
prefix=$INSTALL_PREFIX
dest=$WORK/dest
root=$dest$prefix
DESTDIR=$dest cmake --install "$BUILD_DIR" --prefix "$prefix" >"$WORK/install.log" 2>&1 ||
    fail "cmake --install: $(tail -5 "$WORK/install.log")"
