#!/usr/bin/python3
"""A stand-in for the file manager in the end-to-end tests: a small GTK 3 window at a given
place on the X display that takes file drops (text/uri-list), as Nautilus does, and writes
each drop's URIs, one per line, to a file. It prints "ready" once its window is on screen.

Usage: drop-target.py X Y WIDTH HEIGHT OUT_FILE
"""
import sys

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("Gdk", "3.0")
from gi.repository import Gdk, GLib, Gtk  # noqa: E402


def main() -> int:
    x, y, width, height = (int(v) for v in sys.argv[1:5])
    out = sys.argv[5]
    window = Gtk.Window(title="Atelier drop target")
    window.set_default_size(width, height)
    window.move(x, y)
    window.set_keep_above(True)
    label = Gtk.Label(label="Drop files here")
    window.add(label)
    window.drag_dest_set(Gtk.DestDefaults.ALL, [], Gdk.DragAction.COPY)
    window.drag_dest_add_uri_targets()

    def received(_widget, _context, _x, _y, data, _info, _time):
        uris = data.get_uris() or []
        with open(out, "a", encoding="utf-8") as f:
            for uri in uris:
                f.write(uri + "\n")
        label.set_text(f"{len(uris)} files dropped")

    window.connect("drag-data-received", received)

    window.connect("destroy", Gtk.main_quit)

    def shown(*_args):
        print("ready", flush=True)
        return False

    window.connect("map-event", shown)
    window.show_all()
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, 15, Gtk.main_quit)
    Gtk.main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
