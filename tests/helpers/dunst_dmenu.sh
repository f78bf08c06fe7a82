#!/bin/sh
# The "dmenu" of the test dunst (tests/helpers/notifications.py): dunst pipes its context menu here, one line
# per action ("#Copy for ticket (Job failed) [7,copy-ticket]"). This keeps the menu in $PIG_DMENU_LOG for the
# test to read and answers with the line of the label in the file $PIG_DMENU_PICK, as a user picking it would.
menu=$(cat)
printf '%s\n' "$menu" >>"$PIG_DMENU_LOG"
pick=$(cat "$PIG_DMENU_PICK")
printf '%s\n' "$menu" | grep -m1 -F "#$pick ("
