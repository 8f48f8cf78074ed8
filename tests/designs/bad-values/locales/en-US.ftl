x = y
change = Up { $pct }.
