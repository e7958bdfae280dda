#!/usr/bin/env bash
# Build dutydesk's front-end assets into dutydesk/static/ (served by Flask at
# /assets). Assumes `npm ci` has already been run (node_modules present).
#
# Output:
#   dutydesk/static/dutydesk.css              GOV.UK Frontend + MoJ Frontend + project styles
#   dutydesk/static/govuk-frontend.min.js     GOV.UK Frontend ES module bundle
#   dutydesk/static/moj-frontend.min.js       MoJ Frontend ES module bundle
#   dutydesk/static/htmx.min.js               htmx
#   dutydesk/static/images/                   MoJ icon images used by the CSS, and our favicon
#
# Not copied, on purpose: GOV.UK Frontend's fonts (GDS Transport is for GOV.UK
# services only) and any image showing the crown or the Royal Coat of Arms
# (GOV.UK favicons, app icons, mask icon, opengraph image, crest; MoJ crest,
# logotypes and app icons).
set -euo pipefail

cd "$(dirname "$0")/.."

NM=node_modules
GOVUK="$NM/govuk-frontend/dist/govuk"
MOJ="$NM/@ministryofjustice/frontend/moj"
HTMX="$NM/htmx.org/dist"
OUT=dutydesk/static

if [[ ! -x "$NM/.bin/sass" || ! -d "$GOVUK" || ! -d "$MOJ" || ! -d "$HTMX" ]]; then
  echo "build-assets: node_modules is missing or incomplete; run 'npm ci' first" >&2
  exit 1
fi

rm -rf "$OUT"
mkdir -p "$OUT/images"

# --- CSS ---------------------------------------------------------------------
# --load-path=. is needed as well as node_modules: MoJ Frontend loads GOV.UK
# Frontend as "node_modules/govuk-frontend/dist/govuk/base".
"$NM/.bin/sass" \
  --style=compressed \
  --no-source-map \
  --quiet-deps \
  --load-path="$NM" \
  --load-path=. \
  assets/scss/dutydesk.scss "$OUT/dutydesk.css"

if [[ ! -s "$OUT/dutydesk.css" ]]; then
  echo "build-assets: $OUT/dutydesk.css is empty" >&2
  exit 1
fi
if grep -qiE 'gds[ _-]?transport' "$OUT/dutydesk.css"; then
  echo "build-assets: $OUT/dutydesk.css mentions GDS Transport; it must not (GOV.UK services only)" >&2
  grep -oiE '.{0,80}gds[ _-]?transport.{0,80}' "$OUT/dutydesk.css" | head -n 5 >&2 || true
  exit 1
fi

# --- JavaScript ----------------------------------------------------------------
cp "$GOVUK/govuk-frontend.min.js" "$OUT/govuk-frontend.min.js"
cp "$MOJ/moj-frontend.min.js" "$OUT/moj-frontend.min.js"
cp "$HTMX/htmx.min.js" "$OUT/htmx.min.js"

# --- Images --------------------------------------------------------------------
# Exclude anything showing the crown or coat of arms. In govuk-frontend 6.3.0
# that is every file in assets/images (favicon.ico/.svg, govuk-icon-*.png,
# govuk-icon-mask.svg, govuk-opengraph-image.png, govuk-crest.svg), so none is
# copied; the filter stays so that a new, neutral image would come through.
is_excluded_image() {
  local name
  name=$(basename "$1" | tr '[:upper:]' '[:lower:]')
  case "$name" in
    *crown* | *crest* | *favicon* | *govuk-icon* | *mask-icon* | *icon-mask* \
      | *opengraph* | *apple-touch-icon* | *logotype*) return 0 ;;
    *) return 1 ;;
  esac
}

copy_images() {
  local src=$1 f
  for f in "$src"/*; do
    [[ -f "$f" ]] || continue
    is_excluded_image "$f" && continue
    cp "$f" "$OUT/images/"
  done
}

copy_images "$GOVUK/assets/images"
# MoJ's CSS refers to its icon-*.svg files under /assets/images/.
copy_images "$MOJ/assets/images"

# Every image the CSS refers to must have been built.
missing=0
while IFS= read -r ref; do
  [[ -n "$ref" ]] || continue
  if [[ ! -f "$OUT/images/${ref#/assets/images/}" ]]; then
    echo "build-assets: CSS refers to $ref, which is not in $OUT/images/" >&2
    missing=1
  fi
done < <(grep -oE '/assets/images/[^")'\'' ]+' "$OUT/dutydesk.css" | sort -u)
if (( missing )); then
  exit 1
fi

# Our own neutral favicon (no crown, no coat of arms).
cp assets/images/favicon.svg "$OUT/images/favicon.svg"

n_images=$(find "$OUT/images" -type f | wc -l)
css_kb=$(( $(wc -c < "$OUT/dutydesk.css") / 1024 ))
echo "build-assets: built $OUT/: dutydesk.css (${css_kb} KiB), govuk-frontend.min.js, moj-frontend.min.js, htmx.min.js, images/ (${n_images} files)"
