#!/usr/bin/env bash
# No kernel tier shares a weak symbol with another. Inline functions and
# template instances (std::sort, ...) are emitted weak in every object that
# uses them, and the linker keeps one copy: were the same weak symbol defined
# by an avx512 object and an avx2 or scalar one, a CPU without AVX-512 could
# run the avx512 copy. The Makefile links the tiers last, avx512 after avx2, so
# the lowest tier's copy wins; this test checks the stronger property that no
# such choice exists: for every pair of objects of different tiers under
# build/kernels, no symbol weak (nm: W, V, u) in one is defined in the other.
# The scalar objects and the kernel files without a tier (dispatch,
# indices_codec_format) are one group: they are built with the baseline flags.
# Exit 0 = pass, 1 = a shared symbol (named, with both objects), 77 = skipped.
set -euo pipefail
cd "$(dirname "$0")/../.."

command -v nm >/dev/null || { echo "no nm (binutils) to read the kernel objects"; exit 77; }
if grep -qw -- -O0 build/.flags 2>/dev/null; then
    # At -O0 nothing is inlined: every tier object defines std::span's members
    # and kernels.h's helpers weak, and the link order alone picks the copy.
    echo "build/ is a DEBUG=1 (-O0) build: every tier object defines std:: helpers weak; checked on -O2 builds only"
    exit 77
fi

# Harmless where shared: a hidden data word holding &__gxx_personality_v0, the
# same in every object with exception tables (no code, nothing tier-specific).
harmless='^DW\.ref\.__gxx_personality_v0$'

declare -A objects=([baseline]=0 [avx2]=0 [avx512]=0)
table=$(mktemp)
trap 'rm -f "$table"' EXIT
for src in kernels/*.cpp; do
    name=$(basename "$src" .cpp)
    obj=build/kernels/$name.o
    case $name in
    *_avx512) tier=avx512 ;;
    *_avx2) tier=avx2 ;;
    *) tier=baseline ;;
    esac
    [ -f "$obj" ] || { echo "FAIL: $obj is missing (not built: make)"; exit 1; }
    objects[$tier]=$((objects[$tier] + 1))
    # Rows: tier object symbol type, for every global symbol the object defines.
    nm --defined-only --extern-only --portability "$obj" |
        awk -v t="$tier" -v o="$obj" '{print t, o, $1, $2}' >>"$table"
done
for tier in baseline avx2 avx512; do
    [ "${objects[$tier]}" -gt 0 ] || { echo "FAIL: no $tier objects under build/kernels: nothing to compare"; exit 1; }
done

# Each symbol defined in two tiers where one of the definitions is weak:
# "symbol<TAB>object (tier, type)<TAB>object (tier, type)".
shared=$(awk -v harmless="$harmless" '
    $3 ~ harmless { next }
    { n = ++count[$3]; tier[$3, n] = $1; obj[$3, n] = $2; type[$3, n] = $4 }
    END {
        for (s in count)
            for (i = 1; i <= count[s]; ++i)
                for (j = i + 1; j <= count[s]; ++j)
                    if (tier[s, i] != tier[s, j] && (type[s, i] ~ /^[WVu]$/ || type[s, j] ~ /^[WVu]$/))
                        printf "%s\t%s (%s, %s)\t%s (%s, %s)\n", s, obj[s, i], tier[s, i], type[s, i],
                            obj[s, j], tier[s, j], type[s, j]
    }' "$table" | sort)

weak=$(awk '$4 ~ /^[WVu]$/' "$table" | wc -l)
echo "kernel objects: ${objects[baseline]} baseline (scalar and no tier), ${objects[avx2]} avx2," \
    "${objects[avx512]} avx512; $weak weak definitions in all"
if [ -n "$shared" ]; then
    echo "$shared" | while IFS=$'\t' read -r symbol a b; do
        echo "FAIL: weak symbol $(echo "$symbol" | c++filt) ($symbol) is defined by $a and by $b"
    done
    echo "FAIL: $(echo "$shared" | wc -l) symbol(s) shared between kernel tiers: give the helper internal" \
        "linkage (the tier's anonymous namespace, see kernels/tiers.h)"
    exit 1
fi
echo "ok: no weak symbol of one tier is defined by another"
