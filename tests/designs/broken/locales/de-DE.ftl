subject = Hallo { $name }
greeting = Guten Tag { $name },
broken = {
