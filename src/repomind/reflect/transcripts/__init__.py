"""One parser per agent's transcript format, each producing a `reflect.session.Session`."""
