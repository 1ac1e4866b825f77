#!/usr/bin/env bash
# Capture real OpenSSH sshd + PAM authentication logs through a private rsyslogd.
# sshd (own host key/config in a temp dir) listens on 127.0.0.1 only and logs to
# syslog (LogLevel INFO, facility AUTH); rsyslogd writes:
#   sshd.log : sshd's own messages, classic "Mon DD HH:MM:SS host sshd[pid]:" format
#   auth.log : everything on auth/authpriv (sshd + pam_unix), Debian 12 default
#              RFC3339 high-precision format
# sshd -E was not used: it writes lines without any timestamp.
# Creates a throw-away local user 'wardtest' (removed at the end). Run as root.
# Needs: openssh-server openssh-client sshpass rsyslog.
source "$(dirname "$0")/common.sh"
[ -e /dev/log ] && { echo "/dev/log already exists (a syslog daemon is running); refusing to start a second one" >&2; exit 1; }
TMP=$(mktemp -d /tmp/corpus-sshd.XXXXXX)
PORT=$(free_port)
USERNAME=wardtest
PW='fake-Passw0rd-not-secret'
mkdir -p /run/sshd
id "$USERNAME" >/dev/null 2>&1 || useradd -m -s /bin/bash "$USERNAME"
echo "$USERNAME:$PW" | chpasswd
HOME_DIR=$(getent passwd "$USERNAME" | cut -d: -f6)
install -d -m 700 -o "$USERNAME" "$HOME_DIR/.ssh"
ssh-keygen -q -t ed25519 -f "$TMP/client_key" -N '' -C wardtest@corpus
install -m 600 -o "$USERNAME" "$TMP/client_key.pub" "$HOME_DIR/.ssh/authorized_keys"
ssh-keygen -q -t ed25519 -f "$TMP/ssh_host_ed25519_key" -N ''
ssh-keygen -q -t rsa -b 3072 -f "$TMP/ssh_host_rsa_key" -N ''

cat >"$TMP/rsyslog.conf" <<CONF
global(workDirectory="$TMP")
module(load="imuxsock")
template(name="Trad" type="string" string="%TIMESTAMP% %HOSTNAME% %syslogtag%%msg:::sp-if-no-1st-sp%%msg:::drop-last-lf%\n")
if \$programname == 'sshd' and not (\$msg contains 'pam_') and not (\$msg startswith ' PAM ') then {
  action(type="omfile" file="$TMP/sshd.log" template="Trad")
}
auth,authpriv.* action(type="omfile" file="$TMP/auth.log" template="RSYSLOG_FileFormat")
CONF
rsyslogd -n -f "$TMP/rsyslog.conf" -i "$TMP/rsyslogd.pid" &
RPID=$!
for _ in $(seq 50); do [ -S /dev/log ] && break; sleep 0.1; done

cat >"$TMP/sshd_config" <<CONF
Port $PORT
ListenAddress 127.0.0.1
HostKey $TMP/ssh_host_ed25519_key
HostKey $TMP/ssh_host_rsa_key
PidFile $TMP/sshd.pid
SyslogFacility AUTH
LogLevel INFO
UsePAM yes
PasswordAuthentication yes
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin no
MaxAuthTries 3
AllowUsers $USERNAME
PrintMotd no
CONF
/usr/sbin/sshd -D -f "$TMP/sshd_config" &
SPID=$!
wait_port "$PORT"

SSHOPTS=(-p "$PORT" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o ConnectTimeout=5)
pw_try() { # pw_try USER PASSWORD PROMPTS
  # sshpass gives up at the second prompt, so repeated prompts use SSH_ASKPASS
  if [ "$3" -gt 1 ]; then
    printf '#!/bin/sh\necho %q\n' "$2" >"$TMP/askpass"; chmod 700 "$TMP/askpass"
    SSH_ASKPASS="$TMP/askpass" SSH_ASKPASS_REQUIRE=force DISPLAY=none setsid -w ssh "${SSHOPTS[@]}" \
      -o PubkeyAuthentication=no -o PreferredAuthentications=password \
      -o NumberOfPasswordPrompts="$3" "$1@127.0.0.1" true </dev/null >/dev/null 2>&1 || true
  else
    sshpass -p "$2" ssh "${SSHOPTS[@]}" -o PubkeyAuthentication=no -o PreferredAuthentications=password \
      -o NumberOfPasswordPrompts=1 "$1@127.0.0.1" true >/dev/null 2>&1 || true
  fi
  sleep 0.3
}
key_login() {
  ssh "${SSHOPTS[@]}" -i "$TMP/client_key" -o PasswordAuthentication=no -o BatchMode=yes "$1@127.0.0.1" 'id -un' >/dev/null 2>&1 || true
  sleep 0.3
}
key_login "$USERNAME"                       # Accepted publickey
pw_try "$USERNAME" "$PW" 1                  # Accepted password
pw_try "$USERNAME" 'Summer2024!' 1          # Failed password (valid user)
pw_try admin 'admin' 1                      # Invalid user
pw_try oracle 'oracle123' 1
pw_try "$USERNAME" 'wrong-1' 5              # maximum authentication attempts exceeded (MaxAuthTries 3)
pw_try root 'toor' 1                        # root not allowed
pw_try ubuntu 'ubuntu' 3                    # invalid user, several tries
pw_try "$USERNAME" 'password' 2
key_login deploy                            # invalid user, publickey only
pw_try "$USERNAME" "$PW" 1
key_login "$USERNAME"
sleep 1
kill "$SPID"; wait "$SPID" 2>/dev/null || true
sleep 0.5
kill "$RPID"; wait "$RPID" 2>/dev/null || true
cp "$TMP/sshd.log" "$OUT_DIR/sshd.log"
cp "$TMP/auth.log" "$OUT_DIR/auth.log"
userdel -r "$USERNAME" >/dev/null 2>&1 || true
echo "sshd.log: $(wc -l <"$OUT_DIR/sshd.log") lines, auth.log: $(wc -l <"$OUT_DIR/auth.log") lines ($(/usr/sbin/sshd -V 2>&1 | head -1))"
rm -rf "$TMP"
