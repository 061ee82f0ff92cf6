#!/usr/bin/python3
"""Generate the brainbench NIfTI fixture corpus.

Writes every fixture into tasks/src/test/resources/nifti-corpus/ (good files),
tasks/src/test/resources/nifti-corpus/bad/ (broken files), plus
expected.jsonl and bad/expected-errors.tsv.

Run with Debian's python3-nibabel (tested with nibabel 5.0.0, numpy 1.24):

    /usr/bin/python3 tools/nifti-corpus/make_corpus.py

The output is byte-for-byte deterministic: every random array comes from a
fixed numpy seed, headers are built with nibabel's header classes and written
by this script (nibabel's binaryblock + our own padding/data), and every .gz
file is written with mtime=0 and no file name in the gzip header.

Every expected value is obtained by loading the written file back with
nibabel (nib.load), except the affine of files whose sform_code and
qform_code are both 0: brainbench defines that one as
diag(pixdim1, pixdim2, pixdim3, 1) (after nibabel's pixdim fixes) with zero
translation, whereas nibabel would return its centred "base affine".
"""

import gzip
import io
import json
import math
import os
import shutil
import struct
import sys

import numpy as np
import nibabel as nib
from nibabel.nifti1 import Nifti1Extension
from nibabel.openers import ImageOpener
from nibabel.quaternions import mat2quat

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(REPO, 'tasks', 'src', 'test', 'resources', 'nifti-corpus')
BAD = os.path.join(OUT, 'bad')
TEMPLATES = '/usr/share/mricron/templates'

HEADER_CLASSES = {
    ('nifti1', True): nib.Nifti1Header,
    ('nifti1', False): nib.nifti1.Nifti1PairHeader,
    ('nifti2', True): nib.Nifti2Header,
    ('nifti2', False): nib.nifti2.Nifti2PairHeader,
}


# --------------------------------------------------------------------------
# low-level writing helpers
# --------------------------------------------------------------------------

def gz_bytes(raw):
    """Deterministic gzip: mtime 0, no file name, level 9."""
    bio = io.BytesIO()
    with gzip.GzipFile(filename='', mode='wb', fileobj=bio, mtime=0, compresslevel=9) as g:
        g.write(raw)
    return bio.getvalue()


def write_file(path, raw):
    if path.endswith('.gz'):
        raw = gz_bytes(raw)
    with open(path, 'wb') as f:
        f.write(raw)


def new_header(fmt='nifti1', single=True, endian='<'):
    hdr = HEADER_CLASSES[(fmt, single)](endianness=endian)
    hdr['scl_slope'] = 1.0
    hdr['scl_inter'] = 0.0
    return hdr


def rot(axis, degrees):
    t = math.radians(degrees)
    c, s = math.cos(t), math.sin(t)
    if axis == 'x':
        return np.array([[1, 0, 0], [0, c, -s], [0, s, c]])
    if axis == 'y':
        return np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])
    return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])


def set_quatern_from_rotation(hdr, R):
    """Store the proper rotation R as quatern_b/c/d (a >= 0 convention)."""
    q = mat2quat(R)
    if q[0] < 0:
        q = -q
    hdr['quatern_b'], hdr['quatern_c'], hdr['quatern_d'] = q[1], q[2], q[3]


def set_qform_raw(hdr, code, bcd=None, R=None, qfac=1.0, offset=(0.0, 0.0, 0.0)):
    """Write raw qform fields (no normalisation by nibabel's set_qform)."""
    if R is not None:
        set_quatern_from_rotation(hdr, R)
    else:
        hdr['quatern_b'], hdr['quatern_c'], hdr['quatern_d'] = bcd
    pix = hdr['pixdim'].copy()
    pix[0] = qfac
    hdr['pixdim'] = pix
    hdr['qoffset_x'], hdr['qoffset_y'], hdr['qoffset_z'] = offset
    hdr['qform_code'] = code


def set_sform_raw(hdr, code, affine):
    affine = np.asarray(affine, dtype=np.float64) + 0.0  # no negative zeros on disk
    hdr['srow_x'] = affine[0]
    hdr['srow_y'] = affine[1]
    hdr['srow_z'] = affine[2]
    hdr['sform_code'] = code


def set_pixdim(hdr, values):
    """Set pixdim[1..] raw (may be negative / zero)."""
    pix = hdr['pixdim'].copy()
    for i, v in enumerate(values):
        pix[i + 1] = v
    hdr['pixdim'] = pix


def header_bytes(hdr, extensions=(), vox_offset=None):
    """Binary header + extension flag + extensions (+ padding for singles)."""
    hdr.extensions.clear()
    for e in extensions:
        hdr.extensions.append(e)
    if hdr.is_single:
        min_off = hdr.single_vox_offset + hdr.extensions.get_sizeondisk()
        hdr['vox_offset'] = min_off if vox_offset is None else vox_offset
    else:
        hdr['vox_offset'] = 0
    bio = io.BytesIO()
    hdr.write_to(bio)
    raw = bio.getvalue()
    if hdr.is_single:
        off = int(hdr['vox_offset'])
        assert off >= len(raw), (off, len(raw))
        raw += b'\x00' * (off - len(raw))
    return raw


def data_bytes(hdr, data):
    dt = hdr.get_data_dtype()  # carries the byte order
    arr = np.asarray(data)
    if arr.dtype.kind == 'f' and dt.kind in 'iu':
        raise ValueError('float data for an integer datatype')
    arr = arr.astype(dt, copy=False)
    return arr.tobytes(order='F')


def write_nifti(path, hdr, data, extensions=(), vox_offset=None):
    """path: .nii/.nii.gz for single headers, .hdr/.hdr.gz for pairs."""
    hraw = header_bytes(hdr, extensions, vox_offset)
    draw = data_bytes(hdr, data)
    if hdr.is_single:
        write_file(path, hraw + draw)
    else:
        write_file(path, hraw)
        write_file(path.replace('.hdr', '.img'), draw)


def prepare(hdr, shape, dtype, zooms):
    hdr.set_data_shape(shape)
    hdr.set_data_dtype(dtype)
    set_pixdim(hdr, zooms)
    hdr['xyzt_units'] = 2 | 8  # mm, seconds


# --------------------------------------------------------------------------
# data generators (fixed seeds)
# --------------------------------------------------------------------------

def int_data(dtype, shape, seed, extra=()):
    """Random integers spanning the full range of dtype; the first voxels
    (Fortran order) hold min, max and the extra values."""
    info = np.iinfo(dtype)
    rng = np.random.default_rng(seed)
    flat = rng.integers(info.min, info.max, size=int(np.prod(shape)),
                        dtype=dtype, endpoint=True)
    special = [info.min, info.max] + list(extra)
    flat[:len(special)] = np.array(special, dtype=dtype)
    return flat.reshape(shape, order='F')


def float_data(dtype, shape, seed, special=(), scale=1000.0):
    rng = np.random.default_rng(seed)
    flat = (rng.standard_normal(int(np.prod(shape))) * scale).astype(dtype)
    flat[:len(special)] = np.array(special, dtype=dtype)
    return flat.reshape(shape, order='F')


def ramp(shape, dtype):
    return np.arange(int(np.prod(shape))).astype(dtype).reshape(shape, order='F')


# --------------------------------------------------------------------------
# expected values
# --------------------------------------------------------------------------

def f(x):
    return float(x)


def nan_to_none(x):
    x = float(x)
    return None if math.isnan(x) else x


def raw_header(path):
    """Header exactly as stored (no nibabel fixes)."""
    hdr_path = path
    with ImageOpener(hdr_path) as fobj:
        head = fobj.read(4)
    size_le = struct.unpack('<i', head)[0]
    size_be = struct.unpack('>i', head)[0]
    fmt = 'nifti2' if 540 in (size_le, size_be) else 'nifti1'
    single = not (path.endswith('.hdr') or path.endswith('.hdr.gz'))
    cls = HEADER_CLASSES[(fmt, single)]
    with ImageOpener(hdr_path) as fobj:
        return cls.from_fileobj(fobj, check=False)


def expected_for(name):
    path = os.path.join(OUT, name)
    img = nib.load(path)
    hdr = img.header
    raw = raw_header(path)
    fmt = 'nifti2' if isinstance(hdr, nib.Nifti2Header) else 'nifti1'
    assert type(raw) is type(hdr), (name, type(raw), type(hdr))
    byte_order = 'little' if hdr.endianness == '<' else 'big'
    assert raw.endianness == hdr.endianness
    # Check the byte order on disk via sizeof_hdr.
    with ImageOpener(path) as fobj:
        first = fobj.read(4)
    want = 348 if fmt == 'nifti1' else 540
    assert struct.unpack(hdr.endianness + 'i', first)[0] == want, name

    sform_code = int(hdr['sform_code'])
    qform_code = int(hdr['qform_code'])
    if sform_code > 0:
        affine = hdr.get_sform()
    elif qform_code > 0:
        affine = hdr.get_qform()
    else:
        affine = np.diag([f(hdr['pixdim'][1]), f(hdr['pixdim'][2]), f(hdr['pixdim'][3]), 1.0])
    assert np.allclose(affine, img.affine) or (sform_code == 0 and qform_code == 0), name

    slope, inter = img.dataobj.slope, img.dataobj.inter
    unscaled = np.asarray(img.dataobj.get_unscaled())
    vals = unscaled.astype(np.float64)
    if (slope, inter) != (1.0, 0.0):
        vals = vals * np.float64(slope) + np.float64(inter)
    fdata = img.get_fdata(dtype=np.float64)
    assert np.array_equal(np.isnan(vals), np.isnan(fdata)), name
    assert np.allclose(vals[~np.isnan(vals)], fdata[~np.isnan(fdata)], rtol=1e-12, atol=0), name
    assert tuple(vals.shape) == tuple(img.shape)

    nan_count = int(np.isnan(vals).sum())
    rec = {
        'path': name,
        'format': fmt,
        'shape': [int(s) for s in img.shape],
        'spacing': [f(z) for z in hdr.get_zooms()],
        'datatype': hdr.get_data_dtype().name,
        'sclSlope': nan_to_none(raw['scl_slope']),
        'sclInter': nan_to_none(raw['scl_inter']),
        'affine': [[f(v) + 0.0 for v in row] for row in affine],  # -0.0 -> 0.0
        'min': f(np.nanmin(vals)),
        'max': f(np.nanmax(vals)),
        'mean': f(np.nanmean(vals)),
        'nanCount': nan_count,
        'sformCode': sform_code,
        'qformCode': qform_code,
        'byteOrder': byte_order,
    }
    for k in ('min', 'max', 'mean'):
        assert math.isfinite(rec[k]), (name, k)
    return rec


# --------------------------------------------------------------------------
# good fixtures
# --------------------------------------------------------------------------

GOOD = []  # file names in generation order


def good(name):
    GOOD.append(name)
    return os.path.join(OUT, name)


def std_affine_header(hdr, zooms, offset):
    """sform (code 2) and qform (code 1) describing the same oblique affine."""
    R = rot('z', 10) @ rot('x', -5)
    set_qform_raw(hdr, 1, R=R, qfac=1.0, offset=offset)
    # sform from the float32-stored quaternion so both agree to float32 precision
    aff = hdr.get_qform()
    set_sform_raw(hdr, 2, aff)


def make_format_fixtures():
    """Same int16 volume in every container."""
    shape, zooms = (6, 7, 8), (1.5, 2.0, 2.5)
    data = int_data(np.int16, shape, seed=101, extra=(0, -1, 1))
    variants = [
        ('fmt_nifti1.nii', 'nifti1', True),
        ('fmt_nifti1.nii.gz', 'nifti1', True),
        ('fmt_nifti1_pair.hdr', 'nifti1', False),
        ('fmt_nifti1_pair_gz.hdr.gz', 'nifti1', False),
        ('fmt_nifti2.nii', 'nifti2', True),
        ('fmt_nifti2.nii.gz', 'nifti2', True),
        ('fmt_nifti2_pair.hdr', 'nifti2', False),
    ]
    for name, fmt, single in variants:
        hdr = new_header(fmt, single)
        prepare(hdr, shape, np.int16, zooms)
        std_affine_header(hdr, zooms, (-4.5, -7.0, -10.0))
        write_nifti(good(name), hdr, data)


def make_byte_order_fixtures():
    shape, zooms = (5, 6, 7), (0.9, 1.1, 1.3)
    specs = [
        ('be_int16.nii', 'nifti1', np.int16, 201, None),
        ('be_float32.nii', 'nifti1', np.float32, 202, None),
        ('be_float64.nii.gz', 'nifti1', np.float64, 203, None),
        ('be_int32_scaled.nii', 'nifti1', np.int32, 204, (0.5, 3.0)),
        ('be_nifti2_float32.nii', 'nifti2', np.float32, 205, None),
        ('be_nifti2_int16_scaled.nii.gz', 'nifti2', np.int16, 206, (2.5, -10.0)),
        ('be_nifti1_pair_uint16.hdr', 'nifti1', np.uint16, 207, None),
    ]
    for name, fmt, dtype, seed, scale in specs:
        single = not name.endswith('.hdr')
        hdr = new_header(fmt, single, endian='>')
        prepare(hdr, shape, dtype, zooms)
        std_affine_header(hdr, zooms, (10.0, -20.0, 30.0))
        if scale:
            hdr['scl_slope'], hdr['scl_inter'] = scale
        if np.dtype(dtype).kind == 'f':
            big = np.finfo(dtype).max if dtype == np.float32 else 1e300
            data = float_data(dtype, shape, seed, special=(big, -1.0e30, 0.0, 1.5))
        else:
            data = int_data(dtype, shape, seed, extra=(0, 1))
        write_nifti(good(name), hdr, data)


def make_datatype_fixtures():
    shape, zooms = (6, 7, 8), (1.0, 1.25, 1.5)
    int_specs = [
        (np.uint8, 301, (0, 1, 128)),
        (np.int8, 302, (0, -1, 1)),
        (np.int16, 303, (0, -1, 1)),
        (np.uint16, 304, (0, 1, 32768)),
        (np.int32, 305, (0, -1, 1, 2 ** 24 + 1)),
        (np.uint32, 306, (0, 1, 2 ** 31)),
    ]
    for dtype, seed, extra in int_specs:
        name = 'dtype_%s.nii' % np.dtype(dtype).name
        hdr = new_header()
        prepare(hdr, shape, dtype, zooms)
        set_sform_raw(hdr, 1, np.diag(list(zooms) + [1.0]) + np.array(
            [[0, 0, 0, -3.0], [0, 0, 0, -4.375], [0, 0, 0, -5.25], [0, 0, 0, 0]]))
        write_nifti(good(name), hdr, int_data(dtype, shape, seed, extra))

    # int64: values around +-2^40 (exact in float64, sums stay exact)
    rng = np.random.default_rng(307)
    flat = rng.integers(-2 ** 40, 2 ** 40, size=int(np.prod(shape)), dtype=np.int64, endpoint=True)
    flat[:6] = [-2 ** 40, 2 ** 40, 0, 1, -1, 2 ** 40 - 1]
    hdr = new_header()
    prepare(hdr, shape, np.int64, zooms)
    set_sform_raw(hdr, 1, np.diag(list(zooms) + [1.0]))
    write_nifti(good('dtype_int64.nii'), hdr, flat.reshape(shape, order='F'))

    # int64 type extremes (2x2x2; float64 sums exact in any order)
    ext = np.array([-2 ** 63, 2 ** 63 - 1, -2 ** 62, 2 ** 62, 0, 1, -1, 2 ** 40],
                   dtype=np.int64).reshape((2, 2, 2), order='F')
    hdr = new_header()
    prepare(hdr, (2, 2, 2), np.int64, (1.0, 1.0, 1.0))
    set_sform_raw(hdr, 1, np.eye(4))
    write_nifti(good('dtype_int64_extremes.nii'), hdr, ext)

    f32 = np.finfo(np.float32)
    specs = [
        ('dtype_float32.nii', np.float32, 308,
         (f32.max, -1.0e30, 0.0, -0.0, f32.tiny, 1.4e-45, 1.0, -1.0), 0),
        ('dtype_float32_nan.nii', np.float32, 309, (1.0, 2.0), 17),
        ('dtype_float64.nii', np.float64, 310,
         (np.finfo(np.float64).max, -1.0e300, 0.0, 5e-324, 1.0, -1.0), 0),
        ('dtype_float64_nan.nii.gz', np.float64, 311, (-3.0, 4.0), 23),
    ]
    for name, dtype, seed, special, n_nan in specs:
        data = float_data(dtype, shape, seed, special=special)
        if n_nan:
            rng = np.random.default_rng(seed + 1000)
            idx = rng.choice(np.arange(len(special), data.size), size=n_nan, replace=False)
            flat = data.reshape(-1, order='F')
            flat[idx] = np.nan
            data = flat.reshape(shape, order='F')
        hdr = new_header()
        prepare(hdr, shape, dtype, zooms)
        set_sform_raw(hdr, 1, np.diag(list(zooms) + [1.0]))
        write_nifti(good(name), hdr, data)


def make_scaling_fixtures():
    shape, zooms = (5, 6, 7), (2.0, 2.0, 3.0)

    def one(name, dtype, seed, slope, inter, data=None):
        hdr = new_header()
        prepare(hdr, shape, dtype, zooms)
        set_sform_raw(hdr, 1, np.diag(list(zooms) + [1.0]))
        hdr['scl_slope'], hdr['scl_inter'] = slope, inter
        if data is None:
            data = int_data(dtype, shape, seed, extra=(0, 1))
        write_nifti(good(name), hdr, data)

    one('scale_int16_slope2.5_inter-10.nii', np.int16, 401, 2.5, -10.0)
    one('scale_int16_slope0_inter5.nii', np.int16, 402, 0.0, 5.0)          # slope 0: no scaling
    one('scale_int16_slopenan_internan.nii', np.int16, 403, np.nan, np.nan)  # no scaling
    one('scale_int16_slopenan_inter7.nii', np.int16, 404, np.nan, 7.0)      # no scaling
    one('scale_uint8_slope0.5.nii.gz', np.uint8, 405, 0.5, 0.0)            # MNI-template-like
    one('scale_int8_negslope.nii', np.int8, 406, -1.5, 3.0)
    one('scale_uint16_slope0.1.nii', np.uint16, 407, 0.1, -100.0)          # inexact float32 slope
    data = float_data(np.float32, shape, 408, special=(0.0, 1.0, -1.0), scale=10.0)
    one('scale_float32_slope0.25_inter100.nii', np.float32, 408, 0.25, 100.0, data=data)


def make_vox_offset_fixtures():
    shape, zooms = (4, 5, 6), (1.0, 2.0, 3.0)
    data = int_data(np.int16, shape, 501, extra=(0,))

    hdr = new_header()
    prepare(hdr, shape, np.int16, zooms)
    set_sform_raw(hdr, 2, np.diag(list(zooms) + [1.0]))
    write_nifti(good('voxoffset_1024.nii'), hdr, data, vox_offset=1024)

    hdr = new_header(endian='>')
    prepare(hdr, shape, np.int16, zooms)
    set_sform_raw(hdr, 2, np.diag(list(zooms) + [1.0]))
    write_nifti(good('voxoffset_4096_be.nii.gz'), hdr, data, vox_offset=4096)

    hdr = new_header()
    prepare(hdr, shape, np.int16, zooms)
    set_sform_raw(hdr, 2, np.diag(list(zooms) + [1.0]))
    write_nifti(good('voxoffset_1000_unaligned.nii'), hdr, data, vox_offset=1000)

    hdr = new_header('nifti2')
    prepare(hdr, shape, np.int16, zooms)
    set_sform_raw(hdr, 2, np.diag(list(zooms) + [1.0]))
    write_nifti(good('voxoffset_2048_nifti2.nii'), hdr, data, vox_offset=2048)

    def exts():
        return [Nifti1Extension('comment', b'brainbench fixture: ecode 6 comment extension'),
                Nifti1Extension('comment', b'second extension ' + b'x' * 90),
                Nifti1Extension(0, b'\x00\x01\x02\x03 ignore me')]

    for name, fmt, single, endian, voff in [
            ('ext_comment.nii', 'nifti1', True, '<', None),
            ('ext_comment.nii.gz', 'nifti1', True, '<', None),
            ('ext_comment_be.nii', 'nifti1', True, '>', None),
            ('ext_comment_fill_voxoffset1024.nii', 'nifti1', True, '<', 1024),
            ('ext_comment_pair.hdr', 'nifti1', False, '<', None),
            ('ext_comment_nifti2.nii', 'nifti2', True, '<', None)]:
        hdr = new_header(fmt, single, endian)
        prepare(hdr, shape, np.int16, zooms)
        set_sform_raw(hdr, 2, np.diag(list(zooms) + [1.0]))
        ext_list = exts()
        if voff is not None:
            # nibabel parses extensions all the way up to vox_offset, so the
            # extensions must tile that region exactly: pad with one more
            # ecode-6 extension (esize = 1024 - 352 - 224 = 448)
            used = sum(e.get_sizeondisk() for e in ext_list)
            fill = voff - 352 - used
            ext_list.append(Nifti1Extension('comment', b'padding extension'.ljust(fill - 8, b'.')))
            assert sum(e.get_sizeondisk() for e in ext_list) == voff - 352
        write_nifti(good(name), hdr, data, extensions=ext_list, vox_offset=voff)


def make_dimension_fixtures():
    def one(name, shape, zooms, seed, dtype=np.int16, fmt='nifti1', codes0=False, post=None):
        hdr = new_header(fmt)
        prepare(hdr, shape, dtype, zooms)
        if not codes0:
            set_sform_raw(hdr, 1, np.diag(list(zooms[:3]) + [1.0] * (4 - len(zooms[:3]))))
        if post:
            post(hdr)
        data = int_data(dtype, shape, seed, extra=(0,))
        write_nifti(good(name), hdr, data)

    def pix3_zero(hdr):
        set_pixdim(hdr, (0.7, 0.8, 0.0))

    one('dim_2d.nii', (10, 12), (0.7, 0.8), 601, codes0=True, post=pix3_zero)
    one('dim_4d.nii.gz', (5, 6, 7, 3), (1.0, 1.5, 2.0, 2.5), 602)
    one('dim_4d_nifti2.nii', (5, 6, 7, 3), (1.0, 1.5, 2.0, 2.5), 603, fmt='nifti2')
    one('dim_5d.nii', (4, 3, 2, 2, 3), (1.0, 2.0, 3.0, 1.0, 1.0), 604)
    one('dim_7d.nii', (2, 3, 2, 2, 2, 2, 3), (1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0), 605)
    one('dim_3d_trailing_singleton.nii', (5, 6, 7, 1), (1.2, 1.4, 1.6, 2.0), 606)
    one('dim_singleton_y.nii', (5, 1, 6), (1.0, 2.0, 3.0), 607)

    def garbage_after_dim0(hdr):
        d = hdr['dim'].copy()
        d[4:8] = [7, 0, -3, 9]    # ignored: dim[0] is 3
        hdr['dim'] = d
        p = hdr['pixdim'].copy()
        p[4:8] = [-5.0, 0.0, 99.0, 1e10]
        hdr['pixdim'] = p

    one('dim_garbage_after_dim0.nii', (4, 5, 6), (1.0, 1.0, 1.0), 608, post=garbage_after_dim0)

    # a bigger smooth float32 volume, 32^3
    shape = (32, 32, 32)
    i, j, k = np.meshgrid(*[np.arange(n, dtype=np.float64) for n in shape], indexing='ij')
    vol = (100 * np.sin(i / 5.0) * np.cos(j / 7.0) + k * 3.0 - 0.25 * i * j).astype(np.float32)
    hdr = new_header()
    prepare(hdr, shape, np.float32, (1.0, 1.0, 1.2))
    std_affine_header(hdr, (1.0, 1.0, 1.2), (-16.0, -16.0, -19.2))
    write_nifti(good('large_float32_32cubed.nii.gz'), hdr, vol)


def make_affine_fixtures():
    shape = (6, 5, 4)

    def one(name, zooms, seed, setup, fmt='nifti1', endian='<'):
        hdr = new_header(fmt, True, endian)
        prepare(hdr, shape, np.int16, [abs(z) for z in zooms])
        set_pixdim(hdr, zooms)  # raw, may be negative / zero
        setup(hdr)
        write_nifti(good(name), hdr, int_data(np.int16, shape, seed, extra=(0,)))

    # sform only, with shear; qform fields hold junk that must be ignored
    sheared = np.array([[1.1, 0.2, 0.05, -30.5],
                        [-0.1, 0.9, 0.3, 12.25],
                        [0.0, -0.15, 2.7, 4.0],
                        [0, 0, 0, 1]])

    def sform_only(h):
        set_qform_raw(h, 0, bcd=(0.3, -0.2, 0.5), qfac=-1.0, offset=(99.0, 98.0, 97.0))
        set_sform_raw(h, 3, sheared)
    one('aff_sform_only_sheared.nii', (1.1, 0.95, 2.7), 701, sform_only)

    R_zx = rot('x', 20) @ rot('z', 30)   # 30 deg about z, then 20 deg about x

    def q_only(qfac, R, offset=(-12.0, 8.5, 20.25), code=1):
        def setup(h):
            set_qform_raw(h, code, R=R, qfac=qfac, offset=offset)
        return setup

    one('aff_qform_rotz30_rotx20.nii', (1.2, 0.9, 3.0), 702, q_only(1.0, R_zx))
    one('aff_qform_rotz30_rotx20_qfac-1.nii', (1.2, 0.9, 3.0), 703, q_only(-1.0, R_zx))
    one('aff_qform_roty-40_rotz75_qfac-1_be.nii', (0.8, 1.6, 2.4), 704,
        q_only(-1.0, rot('z', 75) @ rot('y', -40), code=2), endian='>')
    one('aff_qform_rotx90.nii', (1.0, 2.0, 3.0), 705, q_only(1.0, rot('x', 90), code=4))

    def q_bcd(bcd, qfac=1.0, code=1):
        def setup(h):
            set_qform_raw(h, code, bcd=bcd, qfac=qfac, offset=(5.0, -6.0, 7.0))
        return setup

    one('aff_qform_180_z.nii', (1.0, 1.5, 2.0), 706, q_bcd((0.0, 0.0, 1.0)))
    one('aff_qform_180_oblique_qfac-1.nii', (1.0, 1.5, 2.0), 707,
        q_bcd((1.0 / 3.0, 2.0 / 3.0, 2.0 / 3.0), qfac=-1.0))
    # float32(0.6)^2 + float32(0.8)^2 = 1 + 4.8e-8 > 1: nibabel clamps w to 0
    b32, d32 = np.float32(0.6), np.float32(0.8)
    assert float(b32) ** 2 + float(d32) ** 2 > 1.0
    one('aff_qform_bcd_outside_unit.nii', (1.0, 1.5, 2.0), 708, q_bcd((0.6, 0.0, 0.8)))
    # negative pixdim[1]: nibabel takes abs() on load
    one('aff_qform_negative_pixdim.nii', (-2.0, 1.5, 2.5), 709, q_only(1.0, rot('z', -45)))
    # pixdim[0] = 0: nibabel treats qfac 0 as 1
    one('aff_qform_qfac0.nii', (1.0, 2.0, 3.0), 710, q_only(0.0, rot('y', 15)))

    # both codes > 0, different matrices: sform wins
    def both(h):
        set_qform_raw(h, 1, R=rot('z', 30), qfac=1.0, offset=(1.0, 2.0, 3.0))
        set_sform_raw(h, 2, np.array([[-1.5, 0, 0, 40.0], [0, 1.75, 0, -50.0],
                                      [0, 0, 2.0, -60.0], [0, 0, 0, 1]]))
    one('aff_both_codes_sform_wins.nii', (1.5, 1.75, 2.0), 711, both)

    # both codes 0: brainbench contract is diag(pixdim1..3, 1)
    def none(h):
        set_qform_raw(h, 0, R=rot('x', 33), qfac=1.0, offset=(11.0, 12.0, 13.0))
        set_sform_raw(h, 0, sheared)
    one('aff_codes0.nii', (1.5, 2.0, 3.25), 712, none)
    one('aff_codes0_negative_zero_pixdim.nii', (-1.5, 2.0, 0.0), 713, none)
    one('aff_codes0_nifti2.nii', (0.5, 0.75, 1.25), 714, none, fmt='nifti2')

    # NIfTI-2 qform with qfac -1 (float64 quaternion fields)
    one('aff_qform_nifti2_qfac-1.nii', (1.2, 0.9, 3.0), 715, q_only(-1.0, R_zx), fmt='nifti2')


def nibabel_saved_fixture():
    """One file written by nib.save itself (nibabel 5 gzip is deterministic)."""
    shape = (7, 6, 5)
    data = int_data(np.int16, shape, 801, extra=(0,))
    aff = np.array([[-2.0, 0, 0, 90.0], [0, 2.0, 0, -126.0], [0, 0, 2.0, -72.0], [0, 0, 0, 1]])
    img = nib.Nifti1Image(data, aff)
    img.header.set_xyzt_units('mm')
    nib.save(img, good('nibabel_saved_int16.nii.gz'))


def crop_template(src, out_name, slices):
    """Slice a template with img.slicer (which updates the affine) and write it
    keeping the original header (sform/qform codes, quaternion, descrip)."""
    img = nib.load(os.path.join(TEMPLATES, src))
    with ImageOpener(os.path.join(TEMPLATES, src)) as fobj:
        raw = nib.Nifti1Header.from_fileobj(fobj, check=False)
    sub = img.slicer[slices]
    data = np.asarray(sub.dataobj)
    assert data.dtype == raw.get_data_dtype().newbyteorder('='), (data.dtype, raw.get_data_dtype())
    starts = np.array([s.start or 0 for s in slices], dtype=np.float64)
    steps = np.array([s.step or 1 for s in slices], dtype=np.float64)

    hdr = raw.copy()
    old_qform = raw.get_qform()  # from the raw quaternion fields
    hdr.set_data_shape(data.shape)
    pix = raw['pixdim'].copy()
    pix[1:4] = pix[1:4] * steps
    hdr['pixdim'] = pix
    # sform: as computed by nibabel's slicer from the original sform
    assert int(raw['sform_code']) > 0
    new_sform = sub.affine
    expect = raw.get_sform() @ np.vstack([np.column_stack([np.diag(steps), starts]), [0, 0, 0, 1]])
    assert np.allclose(new_sform, expect)
    hdr['srow_x'], hdr['srow_y'], hdr['srow_z'] = new_sform[0], new_sform[1], new_sform[2]
    # qform offset moves the same way (kept even when qform_code is 0)
    q_off = old_qform @ np.r_[starts, 1.0]
    hdr['qoffset_x'], hdr['qoffset_y'], hdr['qoffset_z'] = q_off[:3]
    hdr['descrip'] = (b'brainbench crop of ' + src.encode())[:79]
    hdr['aux_file'] = b''
    write_nifti(good(out_name), hdr, data)


def make_template_fixtures():
    crop_template('ch2bet.nii.gz', 'real_ch2bet_down6.nii.gz',
                  (slice(0, None, 6), slice(0, None, 6), slice(0, None, 6)))
    crop_template('aal.nii.gz', 'real_aal_crop24.nii.gz',
                  (slice(60, 84), slice(100, 124), slice(60, 84)))
    crop_template('inia19-t1-brain.nii.gz', 'real_inia19_down8.nii.gz',
                  (slice(0, None, 8), slice(0, None, 8), slice(0, None, 8)))
    crop_template('JHU-WhiteMatter-labels-2mm.nii.gz', 'real_jhu2mm_crop24.nii.gz',
                  (slice(33, 57), slice(45, 69), slice(30, 54)))


# --------------------------------------------------------------------------
# bad fixtures
# --------------------------------------------------------------------------

BAD_ROWS = []


def bad(name, problem, raw, img=None, already_gzipped=False):
    path = os.path.join(BAD, name)
    if already_gzipped:
        with open(path, 'wb') as fh:
            fh.write(raw)
    else:
        write_file(path, raw)
    if img is not None:
        write_file(path.replace('.hdr', '.img'), img)
    BAD_ROWS.append((name, problem))


def valid_single(shape=(8, 8, 8), dtype=np.int16, fmt='nifti1', endian='<', seed=901):
    hdr = new_header(fmt, True, endian)
    prepare(hdr, shape, dtype, (1.0, 1.0, 1.0))
    set_sform_raw(hdr, 1, np.eye(4))
    data = int_data(dtype, shape, seed, extra=(0,)) if np.dtype(dtype).kind in 'iu' else \
        float_data(dtype, shape, seed)
    return header_bytes(hdr), data_bytes(hdr, data)


def n1_patch(hraw, **fields):
    """Patch raw NIfTI-1 (little-endian) header fields."""
    b = bytearray(hraw)
    if 'dim' in fields:
        struct.pack_into('<8h', b, 40, *fields['dim'])
    if 'datatype' in fields:
        struct.pack_into('<h', b, 70, fields['datatype'])
    if 'bitpix' in fields:
        struct.pack_into('<h', b, 72, fields['bitpix'])
    if 'vox_offset' in fields:
        struct.pack_into('<f', b, 108, fields['vox_offset'])
    if 'magic' in fields:
        b[344:348] = fields['magic']
    if 'sizeof_hdr' in fields:
        struct.pack_into('<i', b, 0, fields['sizeof_hdr'])
    return bytes(b)


def n2_patch(hraw, **fields):
    b = bytearray(hraw)
    if 'dim' in fields:
        struct.pack_into('<8q', b, 16, *fields['dim'])
    if 'datatype' in fields:
        struct.pack_into('<h', b, 12, fields['datatype'])
    if 'vox_offset' in fields:
        struct.pack_into('<q', b, 168, fields['vox_offset'])
    return bytes(b)


def make_bad_fixtures():
    h, d = valid_single()                    # 352 + 1024 bytes
    bad('truncated_data.nii', 'truncated', h + d[:300])
    bad('truncated_data.nii.gz', 'truncated', h + d[:300])
    bad('truncated_data_big_endian.nii', 'truncated',
        b''.join(valid_single(endian='>'))[:352 + 700])
    bad('truncated_data_nifti2.nii', 'truncated', b''.join(valid_single(fmt='nifti2'))[:544 + 500])
    hp = new_header('nifti1', False)
    prepare(hp, (8, 8, 8), np.int16, (1.0, 1.0, 1.0))
    bad('truncated_data_pair.hdr', 'truncated', header_bytes(hp), img=d[:500])
    gz_full = gz_bytes(h + d)
    bad('truncated_gzip_stream.nii.gz', 'truncated', gz_full[:len(gz_full) // 2],
        already_gzipped=True)
    bad('truncated_header.nii', 'truncated', (h + d)[:100])
    bad('truncated_header.nii.gz', 'truncated', (h + d)[:100])
    bad('truncated_header_nifti2.nii', 'truncated', b''.join(valid_single(fmt='nifti2'))[:400])
    bad('empty.nii', 'truncated', b'')
    bad('empty.nii.gz', 'truncated', b'')     # valid gzip stream of zero bytes
    bad('wrong_magic.nii', 'magic', n1_patch(h, magic=b'n+3\x00') + d)
    bad('wrong_sizeof_hdr.nii', 'sizeof_hdr', n1_patch(h, sizeof_hdr=349) + d)
    bad('dim0_zero.nii', 'dimension', n1_patch(h, dim=(0, 8, 8, 8, 1, 1, 1, 1)) + d)
    bad('dim0_eight.nii', 'dimension', n1_patch(h, dim=(8, 8, 8, 8, 1, 1, 1, 1)) + d)
    bad('dim_negative.nii', 'dimension', n1_patch(h, dim=(3, 8, -8, 8, 1, 1, 1, 1)) + d)
    bad('dim_zero.nii', 'dimension', n1_patch(h, dim=(3, 8, 8, 0, 1, 1, 1, 1)) + d)
    bad('dim_overflow_nifti1.nii', 'dimension',
        n1_patch(h, dim=(7,) + (32767,) * 7) + d)
    h2, d2 = valid_single(fmt='nifti2')
    bad('dim_overflow_nifti2.nii', 'dimension',
        n2_patch(h2, dim=(3, 2 ** 40, 2 ** 40, 2 ** 40, 1, 1, 1, 1)) + d2)
    # voxel count 2^62 fits in a long, byte count 2^65 (float64) does not
    h2f, d2f = valid_single(fmt='nifti2', dtype=np.float64)
    bad('dim_bytes_overflow_nifti2.nii', 'dimension',
        n2_patch(h2f, dim=(3, 2 ** 31, 2 ** 31, 1, 1, 1, 1, 1)) + d2f[:512])
    # huge but representable: 30000^3 float32 = 108 TB claimed, ~1 KB present
    hf, df = valid_single(dtype=np.float32)
    absurd = n1_patch(hf, dim=(3, 30000, 30000, 30000, 1, 1, 1, 1)) + df[:672]
    bad('absurd_size.nii', 'truncated', absurd)
    bad('absurd_size.nii.gz', 'truncated', absurd)
    bad('vox_offset_past_eof.nii', 'vox_offset', n1_patch(h, vox_offset=100000.0) + d)
    bad('vox_offset_too_small.nii', 'vox_offset', n1_patch(h, vox_offset=200.0) + d)
    bad('vox_offset_past_eof_nifti2.nii', 'vox_offset', n2_patch(h2, vox_offset=1 << 40) + d2)
    # otherwise valid (full-length data): nibabel itself can read these two,
    # brainbench must refuse the datatype
    bad('datatype_complex64.nii', 'datatype', n1_patch(h, datatype=32, bitpix=64) + d * 4)
    bad('datatype_rgb24.nii', 'datatype', n1_patch(h, datatype=128, bitpix=24) + d + d[:512])
    bad('datatype_unknown_999.nii', 'datatype', n1_patch(h, datatype=999) + d)
    bad('datatype_zero.nii', 'datatype', n1_patch(h, datatype=0, bitpix=0) + d)


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------

def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(BAD)
    make_format_fixtures()
    make_byte_order_fixtures()
    make_datatype_fixtures()
    make_scaling_fixtures()
    make_vox_offset_fixtures()
    make_dimension_fixtures()
    make_affine_fixtures()
    nibabel_saved_fixture()
    make_template_fixtures()
    make_bad_fixtures()

    assert len(GOOD) == len(set(GOOD))
    with open(os.path.join(OUT, 'expected.jsonl'), 'w', newline='\n') as fh:
        for name in GOOD:
            fh.write(json.dumps(expected_for(name), allow_nan=False) + '\n')
    with open(os.path.join(BAD, 'expected-errors.tsv'), 'w', newline='\n') as fh:
        fh.write('file\tproblem\n')
        for name, problem in BAD_ROWS:
            fh.write('%s\t%s\n' % (name, problem))
    print('wrote %d good fixtures and %d bad fixtures to %s' % (len(GOOD), len(BAD_ROWS), OUT))


if __name__ == '__main__':
    np.seterr(all='ignore')
    nib.imageglobals.logger.setLevel(40)  # silence 'vox offset not divisible by 16'
    sys.exit(main())
