subject = Hello { $name }
title = Your statement
greeting = Dear { $name },
