# Loaded by `make waves` for waveforms of the hybrid system (neurocosim system --waves FILE:
# scopes top.hybrid_top, sfq.spice, tlm; cosim/waves.sh picks this file for top.hybrid_top).
# Shows the whole chain in signal-flow order, one time axis in ps:
#   host (TLM transactions) -> stimulus (DAC codes, SFQ bias) -> SFQ circuit (analog traces:
#   junction phases, stepping by 2*pi per SFQ pulse) -> interface (level, synchroniser, changes)
#   -> AER encoder -> SNN core (decision neuron) -> host (interrupt).
set facs {}
set n [gtkwave::getNumFacs]
for {set i 0} {$i < $n} {incr i} { lappend facs [gtkwave::getFacName $i] }

# The facilities named `base` (a bit or a vector: base[..]), in the file's spelling.
proc nc_find {facs base} {
    set out {}
    foreach f $facs {
        if {$f eq $base || [string match "${base}\\\[*" $f]} { lappend out $f }
    }
    return $out
}
proc nc_group {facs title bases {analog 0}} {
    set sel {}
    foreach b $bases { set sel [concat $sel [nc_find $facs $b]] }
    if {[llength $sel] == 0} { return }
    gtkwave::addCommentTracesFromList [list $title]
    gtkwave::addSignalsFromList $sel
    if {$analog} { # one format change for the whole group (each one redraws)
        gtkwave::highlightSignalsFromList $sel
        gtkwave::/Edit/Data_Format/Analog/Step
        gtkwave::/Edit/Insert_Analog_Height_Extension
        gtkwave::/Edit/UnHighlight_All
    }
}

set h top.hybrid_top
nc_group $facs "host -> chip: TLM transactions" {tlm.kind tlm.addr tlm.data tlm.resp}
nc_group $facs "stimulus (RTL): DAC codes, SFQ bias" [list $h.dac_a $h.dac_b $h.bias_en]
# The analog signals in signal-flow order: FILE.signals beside FILE.fst (written with it);
# without it, every sfq.spice.* signal (in the name order GTKWave lists them).
set spice {}
set side "[file rootname [gtkwave::getDumpFileName]].signals"
if {[file readable $side]} {
    set f [open $side r]
    foreach line [split [read $f] "\n"] {
        set line [string trim $line]
        if {$line ne ""} { lappend spice $line }
    }
    close $f
} else {
    foreach f $facs { if {[string match "sfq.spice.*" $f]} { lappend spice $f } }
}
nc_group $facs "SFQ circuit (ngspice): junction phases, rad" $spice 1
nc_group $facs "interface (RTL): SFQ/DC level, synchroniser, changes" \
    [list $h.gpi $h.s1 $h.s2 $h.chg $h.active $h.cyc $h.edges]
nc_group $facs "AER encoder -> SNN core" [list $h.q_push $h.q_level $h.gnt $h.s_req $h.s_wdata $h.events]
nc_group $facs "SNN core: decision neuron" \
    [list $h.u_snn.t $h.u_snn.probe0_u $h.u_snn.probe0_v $h.u_snn.probe0_spike]
nc_group $facs "chip -> host" [list $h.irq $h.bus_ack]
# FILE.view beside FILE.fst (written with it): "FROM TO" in ps, the part of the run where the
# analog side ran and the decision was taken; without it the whole run.
set view "[file rootname [gtkwave::getDumpFileName]].view"
if {[file readable $view]} {
    set f [open $view r]
    set r [split [string trim [read $f]]]
    close $f
    gtkwave::/Time/Zoom/Zoom_Full
    gtkwave::setZoomRangeTimes [lindex $r 0] [lindex $r 1]
} else {
    gtkwave::/Time/Zoom/Zoom_Full
}
