# Loaded by `make waves` for SPICE waveforms (sfq_*.fst, written by neurocosim spice ... --waves):
# shows the junction phases that tell the story as analog traces (GTKWave opens an FST with
# no signals shown), then the whole run. Phases step by 2*pi per SFQ pulse.
#  - cell testbenches: every junction of the device under test (xdut_p*), and its drivers'
#    output junctions (x*d*_p2);
#  - the XOR network: inputs a, b, hidden neurons h1, h2, output (xja_p2 xjb_p2 xh1_p3
#    xh2_p3 xjo_p2).
set want {}
set xor {spice.xja_p2 spice.xjb_p2 spice.xh1_p3 spice.xh2_p3 spice.xjo_p2}
set n [gtkwave::getNumFacs]
for {set i 0} {$i < $n} {incr i} {
    set f [gtkwave::getFacName $i]
    if {[lsearch -exact $xor $f] >= 0 || [regexp {^spice\.xdut_p[0-9]+$} $f] ||
        [regexp {^spice\.xd[a-z0-9]*_p2$} $f]} {
        lappend want $f
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
