# Starts a child that would outlive the plugin, records its pid, then hangs.
sleep 300 &
echo $! > "$KLYNGE_TEST_PIDFILE"
sleep 300
