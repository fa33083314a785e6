#!/bin/sh
set -eu
exec node src/index.js
