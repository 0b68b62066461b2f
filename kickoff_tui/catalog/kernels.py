"""Measured kernel curves (placeholder until the distilled aiconfigurator curves land).

Every function returns None: nothing is measured, and the performance model falls back to the
catalog's efficiencies. The real module (same path, same API) replaces this file.
"""

from __future__ import annotations


def measured_engines(gpu_id: str) -> list[str]:
    return []


def gemm_tflops(gpu_id, engine, precision, tokens):
    return None


def context_attention_tflops(gpu_id, engine, seq_len, attention="gqa"):
    return None


def generation_attention_bandwidth(gpu_id, engine, batch, context, attention="gqa"):
    return None


def moe_gemm_tflops(gpu_id, engine, precision, tokens_per_expert):
    return None


def allreduce_seconds(gpu_id, engine, tp, message_bytes):
    return None


def alltoall_seconds(gpu_id, engine, ep, message_bytes):
    return None


def curve_source(gpu_id, kind, engine=None):
    return None
