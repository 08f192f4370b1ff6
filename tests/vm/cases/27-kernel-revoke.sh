# shrbuf: REVOKE from the creator's handle cuts a client (and its clone)
# off: holds returned and counted, ENOTCONN for its calls but QUERY, poll()
# POLLHUP|POLLERR, a blocked acquire ended; its fds and mapping stay valid;
# EPERM from a clone, ENOENT for an unknown id, EINVAL for its own.
. "$TOP/tests/vm/lib/case.sh"
"$BUILD/tests/vm/shrbuf-test" revoke
