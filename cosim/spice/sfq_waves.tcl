# Loaded by `make waves` for SPICE waveforms (sfq_*.fst, written by neurocosim spice ... --waves):
# shows the signals as analog traces (GTKWave opens an FST with no signals shown), then the
# whole run. Phases step by 2*pi per SFQ pulse.
# The order and the selection come from FILE.signals beside FILE.fst (written with the FST by
# cosim/spice/spice_wave.c: the probes labelled by role, in signal-flow order, e.g. in_a syn_a
# h1 out). Without it (an older file), every signal of scope "spice" is shown, at most 64.
set want {}
set dump [gtkwave::getDumpFileName]
set side "[file rootname $dump].signals"
if {[file readable $side]} {
    set f [open $side r]
    foreach line [split [read $f] "\n"] {
        set line [string trim $line]
        if {$line ne ""} { lappend want $line }
    }
    close $f
} else {
    set n [gtkwave::getNumFacs]
    for {set i 0} {$i < $n && [llength $want] < 64} {incr i} {
        set f [gtkwave::getFacName $i]
        if {[string match "spice.*" $f]} { lappend want $f }
    }
}
foreach f $want {
    gtkwave::addSignalsFromList [list $f]
    gtkwave::highlightSignalsFromList [list $f]
    gtkwave::/Edit/Data_Format/Analog/Interpolated
    gtkwave::/Edit/Insert_Analog_Height_Extension
    gtkwave::/Edit/Insert_Analog_Height_Extension
    gtkwave::/Edit/UnHighlight_All
}
gtkwave::/Time/Zoom/Zoom_Full
