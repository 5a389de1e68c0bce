/*
 * RTAS call names (see fdt-rtas.h).  The list holds the calls QEMU's
 * pseries machine registers, the fadump call, and the ones Linux looks
 * up; a /rtas property of one of these names is a token.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "fdt/rtas.h"

#include <string.h>

static const char *const rtas_calls[] = {
    /* QEMU hw/ppc/spapr_rtas.c and friends */
    "check-exception", "display-character", "event-scan", "get-power-level",
    "get-sensor-state", "get-time-of-day", "ibm,change-msi",
    "ibm,configure-connector", "ibm,get-xive", "ibm,int-off", "ibm,int-on",
    "ibm,nmi-interlock", "ibm,nmi-register", "ibm,os-term",
    "ibm,read-pci-config", "ibm,set-tce-bypass", "ibm,set-xive",
    "ibm,suspend-me", "ibm,write-pci-config", "nvram-fetch", "nvram-store",
    "power-off", "query-cpu-stopped-state", "quiesce", "read-pci-config",
    "set-indicator", "set-power-level", "set-time-of-day", "start-cpu",
    "stop-self", "system-reboot", "write-pci-config",
    "ibm,query-pe-dma-window", "ibm,create-pe-dma-window",
    "ibm,remove-pe-dma-window", "ibm,reset-pe-dma-window",
    "ibm,set-eeh-option", "ibm,get-config-addr-info2",
    "ibm,read-slot-reset-state2", "ibm,set-slot-reset", "ibm,configure-pe",
    "ibm,slot-error-detail", "ibm,configure-bridge",
    /* fadump */
    "ibm,configure-kernel-dump",
    /* Linux arch/powerpc */
    "ibm,activate-firmware", "ibm,close-errinjct", "ibm,display-message",
    "ibm,errinjct", "ibm,get-dynamic-sensor-state", "ibm,get-indices",
    "ibm,get-system-parameter", "ibm,get-vpd", "ibm,lpar-perftools",
    "ibm,manage-flash-image", "ibm,open-errinjct", "ibm,physical-attestation",
    "ibm,platform-dump", "ibm,power-off-ups", "ibm,read-slot-reset-state",
    "ibm,set-dynamic-indicator", "ibm,set-system-parameter",
    "ibm,update-flash-64-and-reboot", "ibm,update-nodes",
    "ibm,update-properties", "ibm,validate-flash-image", "freeze-time-base",
    "thaw-time-base", "ibm,query-interrupt-source-number",
};

gboolean dt_rtas_is_call(const char *name)
{
    for (size_t i = 0; i < G_N_ELEMENTS(rtas_calls); i++) {
        if (!strcmp(name, rtas_calls[i])) {
            return TRUE;
        }
    }
    return FALSE;
}

gboolean dt_rtas_is_fadump_prop(const char *name)
{
    return !strcmp(name, DT_PROP_TOKEN) ||
           !strcmp(name, DT_PROP_SIZES) ||
           !strcmp(name, DT_PROP_VERSION) ||
           !strcmp(name, DT_PROP_KERNEL_DUMP);
}
