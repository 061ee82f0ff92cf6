package org.brainbench.api.backend;

/**
 * What a backend reports for provenance.
 *
 * @param version the library version (DJL, Deeplearning4j)
 * @param nativeVersion the native engine (PyTorch, ND4J/oneDNN)
 * @param device "cpu" or the accelerator
 * @param threads intra-op threads the engine uses
 */
public record BackendInfo(String id, String name, String version, String nativeVersion, String device, int threads) {}
