# Starts a child that would outlive the plugin, records its pid (when the test asks), then hangs.
sleep 300 &
[ -n "$KLYNGE_TEST_PIDFILE" ] && echo $! > "$KLYNGE_TEST_PIDFILE"
sleep 300
