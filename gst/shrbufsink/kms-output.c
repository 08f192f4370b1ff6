/* gst-shrbuf: DRM/KMS output of shrbufsink
 * Copyright (C) 2026 gst-shrbuf contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 *
 * This library is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
 * Library General Public License for more details.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "kms-output.h"
#include "clock.h"
#include "formats.h"

#include <drm_fourcc.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <xf86drm.h>

GST_DEBUG_CATEGORY_EXTERN (shrbuf_sink_debug);
#define GST_CAT_DEFAULT shrbuf_sink_debug

#define MAX_CARDS 16

/* The properties the output uses, by object: each object's ids are looked
 * up once, by name (get_props ()). */
enum
{
  PLANE_FB_ID, PLANE_CRTC_ID, PLANE_SRC_X, PLANE_SRC_Y, PLANE_SRC_W,
  PLANE_SRC_H, PLANE_CRTC_X, PLANE_CRTC_Y, PLANE_CRTC_W, PLANE_CRTC_H,
  PLANE_TYPE, PLANE_IN_FORMATS, N_PLANE_PROPS
};
static const gchar *const plane_prop_names[N_PLANE_PROPS] = {
  "FB_ID", "CRTC_ID", "SRC_X", "SRC_Y", "SRC_W", "SRC_H", "CRTC_X",
  "CRTC_Y", "CRTC_W", "CRTC_H", "type", "IN_FORMATS"
};

enum
{ CRTC_MODE_ID, CRTC_ACTIVE, N_CRTC_PROPS };
static const gchar *const crtc_prop_names[N_CRTC_PROPS] = {
  "MODE_ID", "ACTIVE"
};

enum
{ CONN_CRTC_ID, N_CONN_PROPS };
static const gchar *const conn_prop_names[N_CONN_PROPS] = { "CRTC_ID" };

typedef struct
{
  guint32 id;                   /* 0: the object has no such property */
  guint64 value;                /* as found at open */
} Prop;

typedef Prop PlaneProps[N_PLANE_PROPS];

/* Whether the chosen plane scales: not known until a frame has been
 * committed scaled into a render rectangle. */
typedef enum
{
  SHRBUF_SCALING_UNKNOWN,
  SHRBUF_SCALING_YES,
  SHRBUF_SCALING_NO,
} ShrbufScaling;

struct _ShrbufKmsOutput
{
  gint fd;
  gboolean own_fd;
  gchar *path;
  gboolean atomic;

  guint32 connector_id;
  guint32 crtc_id;
  guint crtc_index;
  drmModeModeInfo *modes;       /* the connector's, owned */
  guint n_modes;
  drmModeCrtc *saved_crtc;      /* the CRTC as found at open, for restore */

  ShrbufPlaneDesc *planes;      /* formats and modifiers owned, freed with
                                 * the array */
  PlaneProps *plane_props;      /* one per plane */
  guint n_planes;
  Prop crtc_props[N_CRTC_PROPS];
  Prop conn_props[N_CONN_PROPS];

  /* Chosen by configure () */
  gint plane;                   /* index in planes, -1 before configure */
  drmModeModeInfo mode;
  gboolean need_modeset;        /* done by the next commit */
  gboolean did_modeset;         /* the CRTC's mode is ours: restore it */
  gboolean used_plane;          /* a plane shows our framebuffers */
  ShrbufPlacement placed;       /* the plane's last committed placement */
  gboolean placed_valid;        /* ... valid: a commit need only set FB_ID */
  gboolean flip_refused;        /* the driver refused a legacy page flip */
  ShrbufScaling scaling;        /* whether the plane scales, as found */
  gboolean scaling_note;        /* refused: to be said once (take_scaling) */

  GThread *thread;
  GstPoll *poll;
  GstPollFD pollfd;
  ShrbufKmsFlipFunc flip_func;
  gpointer user_data;
};

gboolean
shrbuf_plane_takes (const ShrbufPlaneDesc * p, guint32 fourcc, guint64 modifier)
{
  guint i;

  if (p->n_modifiers == 0) {
    for (i = 0; modifier == DRM_FORMAT_MOD_LINEAR && i < p->n_formats; i++)
      if (p->formats[i] == fourcc)
        return TRUE;
    return FALSE;
  }
  for (i = 0; i < p->n_modifiers; i++)
    if (p->modifiers[i].fourcc == fourcc
        && p->modifiers[i].modifier == modifier)
      return TRUE;
  return FALSE;
}

static gboolean
plane_usable (const ShrbufPlaneDesc * p, guint crtc_index)
{
  return crtc_index < 32 && (p->possible_crtcs & (1u << crtc_index));
}

gint
shrbuf_choose_plane (const ShrbufPlaneDesc * planes, guint n_planes,
    guint crtc_index, guint32 drm_format, guint64 modifier, guint32 plane_id,
    gboolean prefer_primary)
{
  static const guint32 order_overlay[] =
      { DRM_PLANE_TYPE_OVERLAY, DRM_PLANE_TYPE_PRIMARY };
  static const guint32 order_primary[] =
      { DRM_PLANE_TYPE_PRIMARY, DRM_PLANE_TYPE_OVERLAY };
  const guint32 *order = prefer_primary ? order_primary : order_overlay;
  guint pass, i;

  for (pass = 0; pass < (plane_id ? 1 : 2); pass++) {
    for (i = 0; i < n_planes; i++) {
      const ShrbufPlaneDesc *p = &planes[i];

      if (plane_id ? p->id != plane_id : p->type != order[pass])
        continue;
      if (plane_usable (p, crtc_index)
          && shrbuf_plane_takes (p, drm_format, modifier))
        return i;
    }
  }
  return -1;
}

/* Appends @fourcc:@modifier to @pairs unless it is there already. */
static void
add_pair (GArray * pairs, guint32 fourcc, guint64 modifier)
{
  ShrbufDrmFormat pair = { fourcc, modifier };
  guint k;

  for (k = 0; k < pairs->len; k++) {
    const ShrbufDrmFormat *q = &g_array_index (pairs, ShrbufDrmFormat, k);

    if (q->fourcc == fourcc && q->modifier == modifier)
      return;
  }
  g_array_append_val (pairs, pair);
}

GArray *
shrbuf_planes_drm_formats (const ShrbufPlaneDesc * planes, guint n_planes,
    guint crtc_index)
{
  GArray *pairs = g_array_new (FALSE, FALSE, sizeof (ShrbufDrmFormat));
  guint f, i, k;

  for (f = 0; f < shrbuf_format_count (); f++) {
    guint32 fourcc = shrbuf_format_get (f)->drm;

    for (i = 0; i < n_planes; i++) {
      const ShrbufPlaneDesc *p = &planes[i];

      if (p->type == DRM_PLANE_TYPE_CURSOR || !plane_usable (p, crtc_index))
        continue;
      for (k = 0; p->n_modifiers == 0 && k < p->n_formats; k++)
        if (p->formats[k] == fourcc)
          add_pair (pairs, fourcc, DRM_FORMAT_MOD_LINEAR);
      for (k = 0; k < p->n_modifiers; k++)
        if (p->modifiers[k].fourcc == fourcc)
          add_pair (pairs, fourcc, p->modifiers[k].modifier);
    }
  }
  return pairs;
}

gint
shrbuf_choose_mode (const drmModeModeInfo * modes, guint n_modes,
    guint width, guint height)
{
  gint found = -1;
  guint i;

  for (i = 0; i < n_modes; i++) {
    if (modes[i].hdisplay != width || modes[i].vdisplay != height)
      continue;
    if (modes[i].type & DRM_MODE_TYPE_PREFERRED)
      return i;
    if (found < 0)
      found = i;
  }
  return found;
}

static void
page_flip_handler (int fd, unsigned int frame, unsigned int sec,
    unsigned int usec, void *data)
{
  ShrbufKmsOutput *out = data;

  out->flip_func ((guint64) sec * GST_SECOND + (guint64) usec * GST_USECOND,
      out->user_data);
}

static gpointer
event_thread (gpointer data)
{
  ShrbufKmsOutput *out = data;
  drmEventContext ctx = {
    .version = DRM_EVENT_CONTEXT_VERSION,
    .page_flip_handler = page_flip_handler,
  };

  for (;;) {
    gint r = gst_poll_wait (out->poll, GST_CLOCK_TIME_NONE);

    if (r < 0 && (errno == EBUSY || errno == EINTR || errno == EAGAIN)) {
      if (errno == EBUSY)       /* flushing: close () wants us gone */
        break;
      continue;
    }
    if (r < 0) {
      GST_ERROR ("poll on %s failed: %s", out->path, g_strerror (errno));
      break;
    }
    if (gst_poll_fd_can_read (out->poll, &out->pollfd))
      drmHandleEvent (out->fd, &ctx);
  }
  return NULL;
}

/* The ids and values of the properties @names of one DRM object, looked
 * up once. */
static void
get_props (gint fd, guint32 obj_id, guint32 obj_type,
    const gchar * const *names, guint n_names, Prop * props)
{
  drmModeObjectProperties *op;
  guint32 i, k;

  memset (props, 0, n_names * sizeof (Prop));
  op = drmModeObjectGetProperties (fd, obj_id, obj_type);
  if (!op)
    return;
  for (i = 0; i < op->count_props; i++) {
    drmModePropertyRes *p = drmModeGetProperty (fd, op->props[i]);

    for (k = 0; p && k < n_names; k++)
      if (strcmp (p->name, names[k]) == 0) {
        props[k].id = p->prop_id;
        props[k].value = op->prop_values[i];
      }
    drmModeFreeProperty (p);
  }
  drmModeFreeObjectProperties (op);
}

/* The first connected connector (or @want), its CRTC (the current one, else
 * the first its encoders can drive) and its modes. */
static gboolean
find_output (ShrbufKmsOutput * out, gint want, GError ** error)
{
  drmModeRes *res;
  drmModeConnector *conn = NULL;
  gint i, j;
  gboolean ok = FALSE;

  res = drmModeGetResources (out->fd);
  if (!res) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
        "%s is not a KMS device: drmModeGetResources failed: %s",
        out->path, g_strerror (errno));
    return FALSE;
  }

  for (i = 0; i < res->count_connectors; i++) {
    conn = drmModeGetConnector (out->fd, res->connectors[i]);
    if (conn && (want >= 0 ? conn->connector_id == (guint32) want :
            conn->connection == DRM_MODE_CONNECTED && conn->count_modes > 0))
      break;
    drmModeFreeConnector (conn);
    conn = NULL;
  }
  if (!conn) {
    if (want >= 0)
      g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_FOUND,
          "%s has no connector %d", out->path, want);
    else
      g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_FOUND,
          "%s has no connected connector", out->path);
    goto done;
  }

  out->connector_id = conn->connector_id;
  out->crtc_id = 0;
  if (conn->encoder_id) {
    drmModeEncoder *enc = drmModeGetEncoder (out->fd, conn->encoder_id);

    if (enc)
      out->crtc_id = enc->crtc_id;
    drmModeFreeEncoder (enc);
  }
  for (j = 0; j < conn->count_encoders && !out->crtc_id; j++) {
    drmModeEncoder *enc = drmModeGetEncoder (out->fd, conn->encoders[j]);

    for (i = 0; enc && i < res->count_crtcs; i++)
      if (enc->possible_crtcs & (1u << i)) {
        out->crtc_id = res->crtcs[i];
        break;
      }
    drmModeFreeEncoder (enc);
  }
  for (i = 0; i < res->count_crtcs; i++)
    if (res->crtcs[i] == out->crtc_id)
      out->crtc_index = i;
  if (!out->crtc_id) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_FOUND,
        "no CRTC can drive connector %u of %s", out->connector_id, out->path);
    goto done;
  }
  out->n_modes = conn->count_modes;
  out->modes = g_memdup2 (conn->modes, sizeof (drmModeModeInfo) *
      conn->count_modes);
  out->saved_crtc = drmModeGetCrtc (out->fd, out->crtc_id);
  ok = TRUE;

done:
  drmModeFreeConnector (conn);
  drmModeFreeResources (res);
  return ok;
}

/* The fourcc:modifier pairs of the IN_FORMATS blob @blob_id into @d (none
 * without the blob: the plane then takes its formats linear only). */
static void
read_in_formats (ShrbufKmsOutput * out, guint32 blob_id, ShrbufPlaneDesc * d)
{
  drmModeFormatModifierIterator iter = { 0, };
  drmModePropertyBlobRes *blob;
  GArray *pairs;

  if (blob_id == 0)
    return;
  blob = drmModeGetPropertyBlob (out->fd, blob_id);
  if (!blob) {
    GST_WARNING ("IN_FORMATS blob %u of plane %u on %s: %s; linear only",
        blob_id, d->id, out->path, g_strerror (errno));
    return;
  }
  pairs = g_array_new (FALSE, FALSE, sizeof (ShrbufDrmFormat));
  while (drmModeFormatModifierBlobIterNext (blob, &iter)) {
    ShrbufDrmFormat pair = { iter.fmt, iter.mod };

    g_array_append_val (pairs, pair);
  }
  drmModeFreePropertyBlob (blob);
  GST_DEBUG ("plane %u of %s: %u format:modifier pairs", d->id, out->path,
      pairs->len);
  d->n_modifiers = pairs->len;
  d->modifiers = (const ShrbufDrmFormat *) g_array_free (pairs,
      pairs->len == 0);
}

static gboolean
find_planes (ShrbufKmsOutput * out, GError ** error)
{
  drmModePlaneRes *pres;
  guint i;

  pres = drmModeGetPlaneResources (out->fd);
  if (!pres) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
        "drmModeGetPlaneResources on %s failed: %s", out->path,
        g_strerror (errno));
    return FALSE;
  }
  out->planes = g_new0 (ShrbufPlaneDesc, pres->count_planes);
  out->plane_props = g_new0 (PlaneProps, pres->count_planes);
  for (i = 0; i < pres->count_planes; i++) {
    drmModePlane *p = drmModeGetPlane (out->fd, pres->planes[i]);
    ShrbufPlaneDesc *d = &out->planes[out->n_planes];

    if (!p)
      continue;
    get_props (out->fd, p->plane_id, DRM_MODE_OBJECT_PLANE,
        plane_prop_names, N_PLANE_PROPS, out->plane_props[out->n_planes]);
    d->id = p->plane_id;
    d->possible_crtcs = p->possible_crtcs;
    d->type = out->plane_props[out->n_planes][PLANE_TYPE].id ?
        out->plane_props[out->n_planes][PLANE_TYPE].value :
        DRM_PLANE_TYPE_OVERLAY;
    d->formats = g_memdup2 (p->formats, sizeof (guint32) * p->count_formats);
    d->n_formats = p->count_formats;
    read_in_formats (out, out->plane_props[out->n_planes][PLANE_IN_FORMATS].id
        ? out->plane_props[out->n_planes][PLANE_IN_FORMATS].value : 0, d);
    out->n_planes++;
    drmModeFreePlane (p);
  }
  drmModeFreePlaneResources (pres);
  return TRUE;
}

static gint
open_card (const gchar * path, GError ** error)
{
  gint fd = open (path, O_RDWR | O_CLOEXEC);

  if (fd < 0) {
    g_set_error (error, GST_RESOURCE_ERROR, errno == ENOENT || errno == ENXIO
        || errno == ENODEV ? GST_RESOURCE_ERROR_NOT_FOUND :
        GST_RESOURCE_ERROR_OPEN_READ_WRITE,
        "Could not open DRM device %s: %s", path, g_strerror (errno));
  }
  return fd;
}

static gboolean
card_has_connected_connector (gint fd)
{
  drmModeRes *res = drmModeGetResources (fd);
  gboolean found = FALSE;
  gint i;

  for (i = 0; res && i < res->count_connectors && !found; i++) {
    drmModeConnector *c = drmModeGetConnector (fd, res->connectors[i]);

    found = c && c->connection == DRM_MODE_CONNECTED && c->count_modes > 0;
    drmModeFreeConnector (c);
  }
  drmModeFreeResources (res);
  return found;
}

/* Whether the card open on @fd is driven by @driver_name, or, when it is
 * NULL, has a connected connector. */
static gboolean
card_matches (gint fd, const gchar * driver_name)
{
  drmVersion *v;
  gboolean match;

  if (!driver_name)
    return card_has_connected_connector (fd);
  v = drmGetVersion (fd);
  match = v && g_strcmp0 (v->name, driver_name) == 0;
  drmFreeVersion (v);
  return match;
}

/* card2 before card10. */
static gint
cmp_node (gconstpointer a, gconstpointer b)
{
  const gchar *x = *(const gchar * const *) a, *y = *(const gchar * const *) b;
  gsize lx = strlen (x), ly = strlen (y);

  return lx != ly ? (lx < ly ? -1 : 1) : strcmp (x, y);
}

/* The primary nodes (/dev/dri/cardN) of the DRM devices, in card order. */
static GPtrArray *
primary_nodes (void)
{
  GPtrArray *nodes = g_ptr_array_new_with_free_func (g_free);
  drmDevicePtr devs[MAX_CARDS];
  gint n = drmGetDevices2 (0, devs, MAX_CARDS), i;

  for (i = 0; i < n; i++)
    if (devs[i]->available_nodes & (1 << DRM_NODE_PRIMARY))
      g_ptr_array_add (nodes, g_strdup (devs[i]->nodes[DRM_NODE_PRIMARY]));
  if (n > 0)
    drmFreeDevices (devs, n);
  g_ptr_array_sort (nodes, cmp_node);
  return nodes;
}

/* The first card driven by @driver_name, or with a connected connector
 * when @driver_name is NULL. */
static gint
find_card (const gchar * driver_name, gchar ** path, GError ** error)
{
  g_autoptr (GPtrArray) nodes = primary_nodes ();
  guint i;

  for (i = 0; i < nodes->len; i++) {
    const gchar *node = g_ptr_array_index (nodes, i);
    gint fd = open (node, O_RDWR | O_CLOEXEC);

    if (fd >= 0 && card_matches (fd, driver_name)) {
      *path = g_strdup (node);
      return fd;
    }
    if (fd >= 0)
      close (fd);
  }
  if (driver_name)
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_FOUND,
        "No DRM device driven by '%s' in " DRM_DIR_NAME, driver_name);
  else
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_FOUND,
        "No DRM device with a connected connector in " DRM_DIR_NAME);
  return -1;
}

ShrbufKmsOutput *
shrbuf_kms_output_open (const gchar * device, const gchar * driver_name,
    gint fd, gint connector_id, ShrbufKmsFlipFunc flip_func,
    gpointer user_data, GError ** error)
{
  ShrbufKmsOutput *out = g_new0 (ShrbufKmsOutput, 1);

  out->fd = -1;
  out->plane = -1;
  out->flip_func = flip_func;
  out->user_data = user_data;

  if (fd >= 0) {
    out->fd = fd;
    out->path = g_strdup_printf ("fd %d", fd);
  } else if (device) {
    out->path = g_strdup (device);
    out->fd = open_card (device, error);
    out->own_fd = TRUE;
  } else {
    out->fd = find_card (driver_name, &out->path, error);
    out->own_fd = TRUE;
  }
  if (out->fd < 0)
    goto fail;

  /* Every plane update needs DRM master: the first opener gets it, and it
   * is free again when the holder drops it. */
  if (!drmIsMaster (out->fd) && drmSetMaster (out->fd) != 0) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_BUSY,
        "Another process is the DRM master of %s (a display server or "
        "another sink): drmSetMaster failed: %s", out->path,
        g_strerror (errno));
    goto fail;
  }

  if (drmSetClientCap (out->fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1) != 0) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
        "%s does not expose universal planes: %s", out->path,
        g_strerror (errno));
    goto fail;
  }
  /* SHRBUF_SINK_LEGACY_KMS=1 takes the legacy path on drivers that have
   * atomic too (to test it). */
  if (!g_getenv ("SHRBUF_SINK_LEGACY_KMS"))
    out->atomic = drmSetClientCap (out->fd, DRM_CLIENT_CAP_ATOMIC, 1) == 0;

  if (!find_output (out, connector_id, error) || !find_planes (out, error))
    goto fail;
  get_props (out->fd, out->crtc_id, DRM_MODE_OBJECT_CRTC, crtc_prop_names,
      N_CRTC_PROPS, out->crtc_props);
  get_props (out->fd, out->connector_id, DRM_MODE_OBJECT_CONNECTOR,
      conn_prop_names, N_CONN_PROPS, out->conn_props);

  GST_INFO ("%s: connector %u, CRTC %u (index %u), %u planes, %s KMS",
      out->path, out->connector_id, out->crtc_id, out->crtc_index,
      out->n_planes, out->atomic ? "atomic" : "legacy");

  out->poll = gst_poll_new (TRUE);
  gst_poll_fd_init (&out->pollfd);
  out->pollfd.fd = out->fd;
  gst_poll_add_fd (out->poll, &out->pollfd);
  gst_poll_fd_ctl_read (out->poll, &out->pollfd, TRUE);
  out->thread = g_thread_new ("shrbufsink-kms", event_thread, out);
  return out;

fail:
  shrbuf_kms_output_close (out);
  return NULL;
}

void
shrbuf_kms_output_close (ShrbufKmsOutput * out)
{
  guint i;

  if (!out)
    return;
  if (out->thread) {
    gst_poll_set_flushing (out->poll, TRUE);
    g_thread_join (out->thread);
  }
  if (out->poll)
    gst_poll_free (out->poll);
  if (out->saved_crtc)
    drmModeFreeCrtc (out->saved_crtc);
  for (i = 0; i < out->n_planes; i++) {
    g_free ((gpointer) out->planes[i].formats);
    g_free ((gpointer) out->planes[i].modifiers);
  }
  g_free (out->planes);
  g_free (out->plane_props);
  g_free (out->modes);
  if (out->own_fd && out->fd >= 0)
    close (out->fd);
  g_free (out->path);
  g_free (out);
}

gint
shrbuf_kms_output_get_fd (ShrbufKmsOutput * out)
{
  return out->fd;
}

const gchar *
shrbuf_kms_output_get_path (ShrbufKmsOutput * out)
{
  return out->path;
}

/* The DRM formats of every plane usable on the output's CRTC, each once. */
static GArray *
get_formats (ShrbufKmsOutput * out)
{
  GArray *formats = g_array_new (FALSE, FALSE, sizeof (guint32));
  guint i, f, k;

  for (i = 0; i < out->n_planes; i++) {
    const ShrbufPlaneDesc *p = &out->planes[i];

    if (p->type == DRM_PLANE_TYPE_CURSOR
        || !(p->possible_crtcs & (1u << out->crtc_index)))
      continue;
    for (f = 0; f < p->n_formats; f++) {
      for (k = 0; k < formats->len; k++)
        if (g_array_index (formats, guint32, k) == p->formats[f])
          break;
      if (k == formats->len)
        g_array_append_val (formats, p->formats[f]);
    }
  }
  return formats;
}

static gboolean
crtc_active (ShrbufKmsOutput * out)
{
  return out->saved_crtc && out->saved_crtc->mode_valid
      && out->saved_crtc->buffer_id != 0;
}

/* Whether a frame in @drm_format would go on the primary plane with a mode
 * set for it, as shrbuf_kms_output_configure() decides: then its size must
 * be one of the connector's modes (no scaling is assumed). */
static gboolean
needs_mode_size (ShrbufKmsOutput * out, guint32 drm_format,
    guint64 modifier, guint32 plane_id, gboolean force_modesetting)
{
  gboolean modeset = force_modesetting || !crtc_active (out)
      || out->did_modeset;
  gint plane = shrbuf_choose_plane (out->planes, out->n_planes,
      out->crtc_index, drm_format, modifier, plane_id, modeset);

  return plane >= 0 && out->planes[plane].type == DRM_PLANE_TYPE_PRIMARY;
}

/* The connector's mode sizes, each once, as guint pairs (width, height):
 * the current mode's first, then in the connector's order (preferred
 * first). */
static GArray *
get_mode_sizes (ShrbufKmsOutput * out)
{
  GArray *sizes = g_array_new (FALSE, FALSE, sizeof (guint));
  guint i, k;

  for (i = 0; i < out->n_modes; i++) {
    guint w = out->modes[i].hdisplay, h = out->modes[i].vdisplay;

    for (k = 0; k < sizes->len; k += 2)
      if (g_array_index (sizes, guint, k) == w
          && g_array_index (sizes, guint, k + 1) == h)
        break;
    if (k == sizes->len) {
      g_array_append_val (sizes, w);
      g_array_append_val (sizes, h);
    }
  }
  if (!crtc_active (out))
    return sizes;
  for (k = 2; k < sizes->len; k += 2) {
    guint w = out->saved_crtc->mode.hdisplay, h =
        out->saved_crtc->mode.vdisplay;

    if (g_array_index (sizes, guint, k) == w
        && g_array_index (sizes, guint, k + 1) == h) {
      g_array_remove_range (sizes, k, 2);
      g_array_insert_val (sizes, 0, h);
      g_array_insert_val (sizes, 0, w);
      break;
    }
  }
  return sizes;
}

static GstStructure *
caps_structure (const ShrbufFormat * sf)
{
  return gst_structure_new ("video/x-raw",
      "format", G_TYPE_STRING, gst_video_format_to_string (sf->gst),
      "framerate", GST_TYPE_FRACTION_RANGE, 0, 1, G_MAXINT, 1, NULL);
}

static gboolean
has_format (GArray * drm_formats, guint32 drm_format)
{
  guint k;

  for (k = 0; k < drm_formats->len; k++)
    if (g_array_index (drm_formats, guint32, k) == drm_format)
      return TRUE;
  return FALSE;
}

/* One structure of @sf per size in @sizes, or one of any size when @sizes
 * is NULL. */
static void
append_format (GstCaps * caps, const ShrbufFormat * sf, GArray * sizes)
{
  GstStructure *s;
  guint k;

  if (!sizes) {
    s = caps_structure (sf);
    gst_structure_set (s, "width", GST_TYPE_INT_RANGE, 1, G_MAXINT,
        "height", GST_TYPE_INT_RANGE, 1, G_MAXINT, NULL);
    gst_caps_append_structure (caps, s);
    return;
  }
  for (k = 0; k < sizes->len; k += 2) {
    s = caps_structure (sf);
    gst_structure_set (s, "width", G_TYPE_INT,
        (gint) g_array_index (sizes, guint, k), "height", G_TYPE_INT,
        (gint) g_array_index (sizes, guint, k + 1), NULL);
    gst_caps_append_structure (caps, s);
  }
}

/* The DMA_DRM structure of the pairs in @group: of any size when @sizes
 * is NULL, else one per size in @sizes. Nothing for an empty group. */
static void
append_dma_drm_group (GstCaps * caps, GArray * group, GArray * sizes)
{
  GstStructure *fields;
  guint k;

  if (group->len == 0)
    return;
  fields = gst_structure_new ("video/x-raw",
      "framerate", GST_TYPE_FRACTION_RANGE, 0, 1, G_MAXINT, 1, NULL);
  if (!sizes) {
    gst_structure_set (fields, "width", GST_TYPE_INT_RANGE, 1, G_MAXINT,
        "height", GST_TYPE_INT_RANGE, 1, G_MAXINT, NULL);
    shrbuf_dma_drm_caps_append (caps, (ShrbufDrmFormat *) group->data,
        group->len, fields);
  }
  for (k = 0; sizes && k < sizes->len; k += 2) {
    gst_structure_set (fields, "width", G_TYPE_INT,
        (gint) g_array_index (sizes, guint, k), "height", G_TYPE_INT,
        (gint) g_array_index (sizes, guint, k + 1), NULL);
    shrbuf_dma_drm_caps_append (caps, (ShrbufDrmFormat *) group->data,
        group->len, fields);
  }
  gst_structure_free (fields);
}

/* The DMA_DRM caps (nothing against GStreamer 1.22): the pairs that would
 * go on the primary plane with a mode of their own, one structure per
 * mode size, the others one structure of any size; the group of the
 * first pair first. */
static void
append_dma_drm (ShrbufKmsOutput * out, GstCaps * caps, GArray * sizes,
    guint32 plane_id, gboolean force_modesetting)
{
  g_autoptr (GArray) pairs = shrbuf_planes_drm_formats (out->planes,
      out->n_planes, out->crtc_index);
  g_autoptr (GArray) sized = g_array_new (FALSE, FALSE,
      sizeof (ShrbufDrmFormat));
  g_autoptr (GArray) any = g_array_new (FALSE, FALSE, sizeof (ShrbufDrmFormat));
  gboolean sized_first = FALSE;
  guint i;

  if (!shrbuf_dma_drm_supported ())
    return;
  for (i = 0; i < pairs->len; i++) {
    const ShrbufDrmFormat *p = &g_array_index (pairs, ShrbufDrmFormat, i);
    gboolean is_sized = sizes->len > 0 && needs_mode_size (out, p->fourcc,
        p->modifier, plane_id, force_modesetting);

    g_array_append_vals (is_sized ? sized : any, p, 1);
    if (i == 0)
      sized_first = is_sized;
  }
  append_dma_drm_group (caps, sized_first ? sized : any,
      sized_first ? sizes : NULL);
  append_dma_drm_group (caps, sized_first ? any : sized,
      sized_first ? NULL : sizes);
}

GstCaps *
shrbuf_kms_output_get_caps (ShrbufKmsOutput * out, guint32 plane_id,
    gboolean force_modesetting)
{
  g_autoptr (GArray) drm_formats = get_formats (out);
  g_autoptr (GArray) sizes = get_mode_sizes (out);
  GstCaps *caps = gst_caps_new_empty ();
  guint i;

  append_dma_drm (out, caps, sizes, plane_id, force_modesetting);
  for (i = 0; i < shrbuf_format_count (); i++) {
    const ShrbufFormat *sf = shrbuf_format_get (i);
    gboolean sized;

    if (!has_format (drm_formats, sf->drm))
      continue;
    sized = sizes->len > 0 && needs_mode_size (out, sf->drm,
        DRM_FORMAT_MOD_LINEAR, plane_id, force_modesetting);
    append_format (caps, sf, sized ? sizes : NULL);
  }
  return caps;
}

gchar *
shrbuf_kms_output_describe_formats (ShrbufKmsOutput * out)
{
  g_autoptr (GArray) drm_formats = get_formats (out);
  GString *s = g_string_new (NULL);
  guint i;

  for (i = 0; i < drm_formats->len; i++) {
    guint32 f = g_array_index (drm_formats, guint32, i);
    const ShrbufFormat *sf = shrbuf_format_from_drm (f);

    if (s->len)
      g_string_append (s, ", ");
    if (sf)
      g_string_append_printf (s, "%s (%" GST_FOURCC_FORMAT ")",
          gst_video_format_to_string (sf->gst), GST_FOURCC_ARGS (f));
    else
      g_string_append_printf (s, "%" GST_FOURCC_FORMAT " (no GStreamer "
          "format)", GST_FOURCC_ARGS (f));
  }
  if (!s->len)
    g_string_append (s, "no format at all");
  return g_string_free (s, FALSE);
}

/* Why no plane (or not plane @plane_id) takes @drm_format:@modifier. */
static void
set_no_plane_error (ShrbufKmsOutput * out, guint32 drm_format,
    guint64 modifier, guint32 plane_id, GError ** error)
{
  g_autofree gchar *pair = shrbuf_drm_format_to_string (drm_format,
      modifier);
  const gchar *layout = modifier == DRM_FORMAT_MOD_LINEAR ? "linear" :
      "modifier";

  if (plane_id)
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION,
        "plane %u of %s cannot show %" GST_FOURCC_FORMAT " (%s 0x%016"
        G_GINT64_MODIFIER "x, drm-format %s) on CRTC %u", plane_id,
        out->path, GST_FOURCC_ARGS (drm_format), layout, modifier, pair,
        out->crtc_id);
  else
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION,
        "no plane of %s can show %" GST_FOURCC_FORMAT " (%s 0x%016"
        G_GINT64_MODIFIER "x, drm-format %s) on CRTC %u", out->path,
        GST_FOURCC_ARGS (drm_format), layout, modifier, pair, out->crtc_id);
}

gboolean
shrbuf_kms_output_configure (ShrbufKmsOutput * out, guint32 drm_format,
    guint64 modifier, guint width, guint height, guint32 plane_id,
    gboolean force_modesetting, GError ** error)
{
  gboolean modeset = force_modesetting || !crtc_active (out);
  const ShrbufPlaneDesc *p;
  gint m;

  if (out->did_modeset)         /* a mode of ours is up: we own the CRTC */
    modeset = TRUE;
  out->placed_valid = FALSE;
  out->scaling = SHRBUF_SCALING_UNKNOWN;
  out->plane = shrbuf_choose_plane (out->planes, out->n_planes,
      out->crtc_index, drm_format, modifier, plane_id, modeset);
  if (out->plane < 0) {
    set_no_plane_error (out, drm_format, modifier, plane_id, error);
    return FALSE;
  }
  p = &out->planes[out->plane];

  /* The primary plane must cover the CRTC: the frame needs a mode of its
   * own size (unless the current one already is). */
  if (p->type == DRM_PLANE_TYPE_PRIMARY && crtc_active (out) && !modeset
      && (out->saved_crtc->mode.hdisplay != width
          || out->saved_crtc->mode.vdisplay != height))
    modeset = TRUE;

  if (modeset) {
    if (out->n_modes == 0) {
      g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
          "connector %u of %s has no mode", out->connector_id, out->path);
      return FALSE;
    }
    m = shrbuf_choose_mode (out->modes, out->n_modes, width, height);
    if (m < 0) {
      /* No mode of the frame's size: the connector's first (preferred)
       * mode, and the plane scales if it can; the commit says if not. */
      GST_WARNING ("%s has no %ux%u mode; scaling to %ux%u", out->path,
          width, height, out->modes[0].hdisplay, out->modes[0].vdisplay);
      m = 0;
    }
    out->mode = out->modes[m];
    out->need_modeset = !crtc_active (out) || force_modesetting
        || memcmp (&out->mode, &out->saved_crtc->mode, sizeof (out->mode));
    if (out->did_modeset)
      out->need_modeset = TRUE;
  } else {
    out->mode = out->saved_crtc->mode;
    out->need_modeset = FALSE;
  }

  GST_INFO ("%s: %" GST_FOURCC_FORMAT " (modifier 0x%016" G_GINT64_MODIFIER
      "x) %ux%u on %s plane %u, mode %s%s", out->path,
      GST_FOURCC_ARGS (drm_format), modifier, width, height,
      p->type == DRM_PLANE_TYPE_PRIMARY ? "primary" : "overlay", p->id,
      out->mode.name, out->need_modeset ? " (to be set)" : "");
  return TRUE;
}

void
shrbuf_kms_output_get_display_size (ShrbufKmsOutput * out, guint * width,
    guint * height)
{
  *width = out->plane >= 0 ? out->mode.hdisplay : 0;
  *height = out->plane >= 0 ? out->mode.vdisplay : 0;
}

guint32
shrbuf_kms_output_get_plane_id (ShrbufKmsOutput * out)
{
  return out->plane >= 0 ? out->planes[out->plane].id : 0;
}

/* The last commit left the plane at @p, with no modeset to come: the
 * plane keeps its position and crop, and a flip need only change FB_ID. */
static gboolean
placement_kept (ShrbufKmsOutput * out, const ShrbufPlacement * p)
{
  return out->placed_valid && !out->need_modeset
      && memcmp (p, &out->placed, sizeof (out->placed)) == 0;
}

/* The plane's position and crop, unless the last commit set the same. */
static void
add_placement (ShrbufKmsOutput * out, drmModeAtomicReq * req,
    const ShrbufPlacement * p)
{
  const Prop *pp = out->plane_props[out->plane];
  guint32 plane_id = out->planes[out->plane].id;

  if (placement_kept (out, p))
    return;
  drmModeAtomicAddProperty (req, plane_id, pp[PLANE_CRTC_ID].id, out->crtc_id);
  /* Source coordinates are 16.16 fixed point. */
  drmModeAtomicAddProperty (req, plane_id, pp[PLANE_SRC_X].id,
      (guint64) p->src.x << 16);
  drmModeAtomicAddProperty (req, plane_id, pp[PLANE_SRC_Y].id,
      (guint64) p->src.y << 16);
  drmModeAtomicAddProperty (req, plane_id, pp[PLANE_SRC_W].id,
      (guint64) p->src.w << 16);
  drmModeAtomicAddProperty (req, plane_id, pp[PLANE_SRC_H].id,
      (guint64) p->src.h << 16);
  drmModeAtomicAddProperty (req, plane_id, pp[PLANE_CRTC_X].id, p->dst.x);
  drmModeAtomicAddProperty (req, plane_id, pp[PLANE_CRTC_Y].id, p->dst.y);
  drmModeAtomicAddProperty (req, plane_id, pp[PLANE_CRTC_W].id, p->dst.w);
  drmModeAtomicAddProperty (req, plane_id, pp[PLANE_CRTC_H].id, p->dst.h);
}

static gboolean
commit_atomic (ShrbufKmsOutput * out, guint32 fb_id, const ShrbufPlacement * p)
{
  drmModeAtomicReq *req = drmModeAtomicAlloc ();
  const Prop *pp = out->plane_props[out->plane];
  guint32 plane_id = out->planes[out->plane].id;
  guint32 flags = DRM_MODE_ATOMIC_NONBLOCK | DRM_MODE_PAGE_FLIP_EVENT;
  guint32 blob = 0;
  gint ret, saved_errno;

  if (out->need_modeset) {
    if (drmModeCreatePropertyBlob (out->fd, &out->mode, sizeof (out->mode),
            &blob) != 0) {
      drmModeAtomicFree (req);
      return FALSE;
    }
    drmModeAtomicAddProperty (req, out->crtc_id,
        out->crtc_props[CRTC_MODE_ID].id, blob);
    drmModeAtomicAddProperty (req, out->crtc_id,
        out->crtc_props[CRTC_ACTIVE].id, 1);
    drmModeAtomicAddProperty (req, out->connector_id,
        out->conn_props[CONN_CRTC_ID].id, out->crtc_id);
    flags |= DRM_MODE_ATOMIC_ALLOW_MODESET;
  }
  drmModeAtomicAddProperty (req, plane_id, pp[PLANE_FB_ID].id, fb_id);
  add_placement (out, req, p);

  GST_LOG ("atomic commit of framebuffer %u on plane %u%s", fb_id, plane_id,
      out->need_modeset ? ", with a modeset" : "");
  ret = drmModeAtomicCommit (out->fd, req, flags, out);
  saved_errno = errno;
  drmModeAtomicFree (req);
  out->placed_valid = ret == 0;
  out->placed = *p;
  if (blob)
    drmModeDestroyPropertyBlob (out->fd, blob);
  errno = saved_errno;
  return ret == 0;
}

/* Legacy KMS: SetCrtc for the modeset (the source's top left as the
 * CRTC's offset in the framebuffer), PageFlip on the primary plane (with
 * an event), SetPlane on an overlay (done when it returns). */
static gboolean
commit_legacy (ShrbufKmsOutput * out, guint32 fb_id,
    const ShrbufPlacement * p, gboolean * completed)
{
  const ShrbufPlaneDesc *plane = &out->planes[out->plane];

  *completed = TRUE;
  if (plane->type == DRM_PLANE_TYPE_PRIMARY) {
    if (out->need_modeset)
      return drmModeSetCrtc (out->fd, out->crtc_id, fb_id, p->src.x,
          p->src.y, &out->connector_id, 1, &out->mode) == 0;
    *completed = FALSE;
    return drmModePageFlip (out->fd, out->crtc_id, fb_id,
        DRM_MODE_PAGE_FLIP_EVENT, out) == 0;
  }
  if (out->need_modeset) {
    /* The CRTC needs a framebuffer of its own: the plane's, for now. */
    if (drmModeSetCrtc (out->fd, out->crtc_id, fb_id, 0, 0,
            &out->connector_id, 1, &out->mode) != 0)
      return FALSE;
  }
  return drmModeSetPlane (out->fd, plane->id, out->crtc_id, fb_id, 0,
      p->dst.x, p->dst.y, p->dst.w, p->dst.h, (guint32) p->src.x << 16,
      (guint32) p->src.y << 16, (guint32) p->src.w << 16,
      (guint32) p->src.h << 16) == 0;
}

/* On an atomic driver, a frame for the primary plane whose placement
 * stays changes only the framebuffer: a page flip (with its event) does
 * that, and costs the sink's thread 32 us a frame less than the atomic
 * request on vkms (docs/benchmarks.md). The kernel's helper makes the same
 * atomic update of it. A driver that refuses the flip gets atomic commits
 * from then on. */
static gboolean
commit_flip (ShrbufKmsOutput * out, guint32 fb_id, const ShrbufPlacement * p)
{
  if (out->flip_refused || out->planes[out->plane].type !=
      DRM_PLANE_TYPE_PRIMARY || !placement_kept (out, p))
    return commit_atomic (out, fb_id, p);
  if (drmModePageFlip (out->fd, out->crtc_id, fb_id, DRM_MODE_PAGE_FLIP_EVENT,
          out) == 0) {
    GST_LOG ("page flip to framebuffer %u on CRTC %u", fb_id, out->crtc_id);
    return TRUE;
  }
  if (errno == EBUSY)           /* a flip pending: the atomic one would be too */
    return FALSE;
  GST_INFO ("%s refused a page flip to framebuffer %u (%s): atomic commits "
      "from now on", out->path, fb_id, g_strerror (errno));
  out->flip_refused = TRUE;
  return commit_atomic (out, fb_id, p);
}

/* The @src rectangle of a frame in the render rectangle @rect: scaled with
 * its aspect kept and centred where the plane scales (or may: not refused
 * yet), else 1:1 and centred, the source cropped at its right and bottom
 * to fit. */
void
shrbuf_place_in_rect (const GstVideoRectangle * src,
    const GstVideoRectangle * rect, gboolean scale, ShrbufPlacement * p)
{
  GstVideoRectangle size = { 0, 0, src->w, src->h };

  gst_video_sink_center_rect (size, *rect, &p->dst, scale);
  p->src = *src;
  if (!scale) {
    p->src.w = p->dst.w;
    p->src.h = p->dst.h;
  }
}

static gboolean
commit_placed (ShrbufKmsOutput * out, guint32 fb_id,
    const ShrbufPlacement * p, gboolean * completed)
{
  if (out->atomic)
    return commit_flip (out, fb_id, p);
  return commit_legacy (out, fb_id, p, completed);
}

/* A render rectangle: scaled into it while the plane may scale; when the
 * driver refuses the scaled placement (EINVAL, ERANGE), the plane is taken
 * as one that cannot, and the frame goes 1:1 (said once, take_scaling). */
static gboolean
commit_in_rect (ShrbufKmsOutput * out, guint32 fb_id,
    const GstVideoRectangle * src, const GstVideoRectangle * rect,
    gboolean * completed)
{
  ShrbufPlacement p;
  gboolean scaled;

  shrbuf_place_in_rect (src, rect, out->scaling != SHRBUF_SCALING_NO, &p);
  scaled = p.src.w != p.dst.w || p.src.h != p.dst.h;
  if (commit_placed (out, fb_id, &p, completed)) {
    if (scaled)
      out->scaling = SHRBUF_SCALING_YES;
    return TRUE;
  }
  if (!scaled || out->scaling != SHRBUF_SCALING_UNKNOWN
      || (errno != EINVAL && errno != ERANGE))
    return FALSE;
  out->scaling = SHRBUF_SCALING_NO;
  out->scaling_note = TRUE;
  shrbuf_place_in_rect (src, rect, FALSE, &p);
  return commit_placed (out, fb_id, &p, completed);
}

gboolean
shrbuf_kms_output_take_scaling_refused (ShrbufKmsOutput * out)
{
  gboolean note = out->scaling_note;

  out->scaling_note = FALSE;
  return note;
}

/* Where the frame goes without a render rectangle: the primary plane
 * covers the whole CRTC; an overlay shows it 1:1 at the top left,
 * clipped. */
static void
default_placement (ShrbufKmsOutput * out, const GstVideoRectangle * src,
    ShrbufPlacement * p)
{
  p->src = *src;
  p->dst.x = p->dst.y = 0;
  if (out->planes[out->plane].type == DRM_PLANE_TYPE_PRIMARY) {
    p->dst.w = out->mode.hdisplay;
    p->dst.h = out->mode.vdisplay;
  } else {
    p->src.w = p->dst.w = MIN (src->w, out->mode.hdisplay);
    p->src.h = p->dst.h = MIN (src->h, out->mode.vdisplay);
  }
}

gboolean
shrbuf_kms_output_commit (ShrbufKmsOutput * out, guint32 fb_id,
    const GstVideoRectangle * src, const GstVideoRectangle * rect,
    GError ** error)
{
  gboolean ok, completed = FALSE;
  gint saved_errno;

  if (out->plane < 0) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION,
        "no plane of %s is set up for framebuffer %u", out->path, fb_id);
    errno = EINVAL;
    return FALSE;
  }

  if (rect && rect->w > 0 && rect->h > 0) {
    ok = commit_in_rect (out, fb_id, src, rect, &completed);
  } else {
    ShrbufPlacement p;

    default_placement (out, src, &p);
    ok = commit_placed (out, fb_id, &p, &completed);
  }
  saved_errno = errno;
  if (!ok) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_FAILED,
        "%s commit of framebuffer %u on plane %u of %s failed: %s",
        out->atomic ? "atomic" : "legacy", fb_id,
        out->planes[out->plane].id, out->path, g_strerror (saved_errno));
    errno = saved_errno;
    return FALSE;
  }
  if (out->need_modeset)
    out->did_modeset = TRUE;
  out->need_modeset = FALSE;
  out->used_plane = TRUE;
  if (completed)
    out->flip_func (shrbuf_clock_monotonic_ns (), out->user_data);
  return TRUE;
}

void
shrbuf_kms_output_restore (ShrbufKmsOutput * out)
{
  drmModeCrtc *s = out->saved_crtc;
  gint ret = 0;

  if (!out->used_plane)
    return;
  if (out->planes[out->plane].type != DRM_PLANE_TYPE_PRIMARY)
    ret = drmModeSetPlane (out->fd, out->planes[out->plane].id, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0);
  if (ret == 0 && (out->did_modeset
          || out->planes[out->plane].type == DRM_PLANE_TYPE_PRIMARY)) {
    if (crtc_active (out))
      ret = drmModeSetCrtc (out->fd, out->crtc_id, s->buffer_id, s->x, s->y,
          &out->connector_id, 1, &s->mode);
    else
      ret = drmModeSetCrtc (out->fd, out->crtc_id, 0, 0, 0, NULL, 0, NULL);
  }
  if (ret != 0)
    GST_WARNING ("could not restore CRTC %u of %s: %s", out->crtc_id,
        out->path, g_strerror (errno));
  out->used_plane = FALSE;
  out->did_modeset = FALSE;
  out->placed_valid = FALSE;
}
