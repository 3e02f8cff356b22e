"""`repomind watch`: re-index when the work tree settles; sleep-time work when the developer idles.

observer.py decides which file-system events matter and collects a burst; steps.py runs each
piece of work as a child process (child.py) with backoff; daemon.py is the watcher's loop;
state.py the one-per-repository lock and status file; control.py start (--detach) and stop
from another process.
"""
