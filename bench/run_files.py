"""What the plotting scripts share about bitvote's run files (src/base/run_schema.h)."""


def phases_of(records):
    """The phase names, in the order the records' time_share lists them (bitvote
    writes one key per phase, in the order a step runs them; src/base/phase.h)."""
    names = []
    for r in records:
        for phase in r.get("time_share") or {}:
            if phase not in names:
                names.append(phase)
    return names
