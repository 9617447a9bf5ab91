# Loaded by make waves after the layout: show the whole run.
gtkwave::/Time/Zoom/Zoom_Full
