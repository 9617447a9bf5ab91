# Loaded by make waves after the layout (cosim/waves.sh): adds the TLM transaction signals of a
# platform run (scope tlm: kind, target, addr, data, words, resp) when the file has them, then
# shows the whole run.
set tlm {}
set n [gtkwave::getNumFacs]
for {set i 0} {$i < $n} {incr i} {
    set f [gtkwave::getFacName $i]
    if {[string match {tlm.*} $f]} { lappend tlm $f }
}
if {[llength $tlm] > 0} {
    gtkwave::addCommentTracesFromList [list "TLM transactions (platform)"]
    gtkwave::addSignalsFromList $tlm
}
gtkwave::/Time/Zoom/Zoom_Full
