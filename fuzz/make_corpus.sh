#!/bin/sh
# Writes a seed corpus for npz_reader_fuzz into DIR (default build/fuzz/corpus/npz_reader):
# numpy's own archives (savez, savez_compressed, data descriptors, an object
# array like the old exporter's), bare .npy files in every header version,
# bare pickles in protocols 2 to 5, and eisgrid's chunked archive from seeds/.
# Small inputs on purpose: libFuzzer mutates them faster.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-"$here/../build/fuzz/corpus/npz_reader"}
mkdir -p "$out"
cp "$here"/seeds/* "$out"/
/usr/bin/python3 - "$out" <<'PY'
import io, pickle, sys, zipfile
import numpy as np
from numpy.lib import format

out = sys.argv[1]
i = np.arange(40)
arrays = dict(
    parameters=(i.reshape(8, 5) * 1.5).astype('<f4'),
    resnorms=np.sort(i * 0.25).astype('<f4'),
    grid=(i * 3).astype('<i8'),
    small=(i % 7).astype('|u1'),
    wide=(i * 9).astype('<u8'),
    flags=i % 2 == 0,
    metadata=np.array('{"grid_size": 2, "note": "h\u00e9"}'),
)
np.savez(out + '/numpy_stored.npz', **arrays)
np.savez_compressed(out + '/numpy_deflated.npz', **arrays)

# The old exporter's layout: float32 arrays and a pickled dict in a 0-d object array.
legacy = np.empty((), dtype=object)
legacy[()] = {'grid_size': 2, 'n_parameter_sets': 32, 'freq_min': 0.1, 'freq_max': 1e5,
              'param_names': ['Rsh', 'Ra', 'Ca', 'Rb', 'Cb'], 'best_resnorm': np.float64(2.5),
              'n': np.int64(3), 'ok': np.bool_(True), 'description': None, 'nested': {'a': [1, 2.5]}}
np.savez_compressed(out + '/legacy_like.npz', parameters=arrays['parameters'], metadata=legacy)
np.savez(out + '/legacy_like_stored.npz', resnorms=arrays['resnorms'], metadata=legacy)

class Unseekable:
    def __init__(self, f): self.f = f
    def write(self, b): return self.f.write(b)
    def flush(self): self.f.flush()
with open(out + '/data_descriptors.npz', 'wb') as raw:
    with zipfile.ZipFile(Unseekable(raw), 'w', compression=zipfile.ZIP_DEFLATED) as z:
        for name in ('grid', 'metadata'):
            with z.open(name + '.npy', 'w', force_zip64=True) as f:
                format.write_array(f, arrays[name])

for version in ((1, 0), (2, 0), (3, 0)):
    b = io.BytesIO()
    format.write_array(b, arrays['parameters'], version=version)
    open(out + '/parameters_v%d.npy' % version[0], 'wb').write(b.getvalue())
b = io.BytesIO()
format.write_array(b, legacy, allow_pickle=True)
open(out + '/object.npy', 'wb').write(b.getvalue())

for protocol in (2, 3, 4, 5):
    open(out + '/metadata_p%d.pickle' % protocol, 'wb').write(pickle.dumps(legacy, protocol=protocol))
PY
echo "corpus: $(ls "$out" | wc -l) files in $out"
