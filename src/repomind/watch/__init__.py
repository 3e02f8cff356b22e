"""`repomind watch`: re-index when the work tree settles; sleep-time work when the developer idles.

observer.py decides which file-system events matter and collects a burst; steps.py runs each
piece of work as a child process with backoff; daemon.py is the loop, the one-per-repository
lock, and start (--detach) / stop / status from another process.
"""
