package integrity

import "syscall"

const sysFstatat = syscall.SYS_NEWFSTATAT
