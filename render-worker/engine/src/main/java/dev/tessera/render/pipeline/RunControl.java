package dev.tessera.render.pipeline;

import ai.onnxruntime.OrtSession.RunOptions;

/**
 * How a running render reports its steps and is stopped: the listener, the token checked between
 * steps and tiles, and the run options attached to that token, which terminate a session run under
 * way.
 */
public record RunControl(RenderListener listener, CancelToken cancel, RunOptions run) {}
