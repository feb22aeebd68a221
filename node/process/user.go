package process

import (
	"errors"
	"fmt"
	"os"
	"os/user"
	"slices"
	"strconv"
	"syscall"
)

// The user and group a Wazuh manager's daemons run as (common.USER_NAME, GROUP_NAME).
const (
	WazuhUser  = "wazuh"
	WazuhGroup = "wazuh"
)

// ErrNoWazuhUser refuses to run as root in place of wazuh-clusterd where the wazuh user or
// group does not exist: the daemon would keep root's rights, which wazuh-clusterd never does
// unless told to (-r).
var ErrNoWazuhUser = errors.New("the wazuh user and group are needed to drop root's rights")

// Credentials are the user and group a daemon runs as.
type Credentials struct {
	UID, GID    int
	User, Group string
}

// LookupCredentials finds a user and a group by name (/etc/passwd and /etc/group, or NSS when
// built with cgo).
func LookupCredentials(userName, groupName string) (Credentials, error) {
	u, err := user.Lookup(userName)
	if err != nil {
		return Credentials{}, fmt.Errorf("%w: user %q: %w", ErrNoWazuhUser, userName, err)
	}
	g, err := user.LookupGroup(groupName)
	if err != nil {
		return Credentials{}, fmt.Errorf("%w: group %q: %w", ErrNoWazuhUser, groupName, err)
	}
	uid, err := strconv.Atoi(u.Uid)
	if err != nil {
		return Credentials{}, fmt.Errorf("user %q: uid %q: %w", userName, u.Uid, err)
	}
	gid, err := strconv.Atoi(g.Gid)
	if err != nil {
		return Credentials{}, fmt.Errorf("group %q: gid %q: %w", groupName, g.Gid, err)
	}
	return Credentials{UID: uid, GID: gid, User: userName, Group: groupName}, nil
}

// Drop makes the whole process (every thread: Go applies these calls to all of them on Linux)
// run as c: supplementary groups replaced by c's group alone (wazuh-clusterd keeps root's,
// which would let it read what the root group may), then the group, then the user, last
// because it takes away the right to change the others. It checks that root cannot be had
// back.
func Drop(c Credentials) error {
	if err := syscall.Setgroups([]int{c.GID}); err != nil {
		return fmt.Errorf("set the supplementary groups to %s (%d): %w", c.Group, c.GID, err)
	}
	if err := syscall.Setgid(c.GID); err != nil {
		return fmt.Errorf("set the group to %s (%d): %w", c.Group, c.GID, err)
	}
	if err := syscall.Setuid(c.UID); err != nil {
		return fmt.Errorf("set the user to %s (%d): %w", c.User, c.UID, err)
	}
	groups, err := os.Getgroups()
	if err != nil {
		return fmt.Errorf("read the groups after the drop: %w", err)
	}
	if os.Getuid() != c.UID || os.Geteuid() != c.UID || os.Getgid() != c.GID || os.Getegid() != c.GID ||
		slices.ContainsFunc(groups, func(g int) bool { return g != c.GID }) {
		return fmt.Errorf("after the drop the process runs as uid %d/%d gid %d/%d groups %v, not %s:%s",
			os.Getuid(), os.Geteuid(), os.Getgid(), os.Getegid(), groups, c.User, c.Group)
	}
	if c.UID != 0 && syscall.Setuid(0) == nil {
		return errors.New("root could be had back after the drop")
	}
	return nil
}

// HandOver gives c the files of a daemon started as root that it will keep writing after the
// drop, with their Wazuh modes (wazuh-clusterd chowns logs/cluster.log and makes it 0660
// before anything). Missing files are skipped.
func HandOver(c Credentials, files map[string]os.FileMode) error {
	for path, mode := range files {
		if err := os.Chown(path, c.UID, c.GID); err != nil {
			if errors.Is(err, os.ErrNotExist) {
				continue
			}
			return fmt.Errorf("hand %s to %s:%s: %w", path, c.User, c.Group, err)
		}
		if err := os.Chmod(path, mode); err != nil {
			return fmt.Errorf("hand %s to %s:%s: %w", path, c.User, c.Group, err)
		}
	}
	return nil
}
