package org.tdpipe.model.llama;

import java.util.Arrays;
import org.tdpipe.model.format.ModelConfig;
import org.tdpipe.model.format.ModelSource;
import org.tdpipe.model.tensor.Matrix;
import org.tdpipe.model.tensor.TensorArrays;

/**
 * The weights of one transformer block as views over the model's tensors (nothing copied but the
 * small norm and bias vectors). The q/k/v biases are empty arrays unless the model has them (Qwen2).
 */
public record LayerWeights(
        float[] attnNorm, Matrix wq, Matrix wk, Matrix wv, Matrix wo,
        float[] bq, float[] bk, float[] bv,
        float[] ffnNorm, Matrix gate, Matrix up, Matrix down) {

    public static LayerWeights load(ModelSource source, ModelConfig c, int layer) {
        return load(source, c, layer, TensorShard.WHOLE);
    }

    /** The part of layer {@code layer} that {@code shard} holds (views, but for the row-parallel matrices' columns). */
    public static LayerWeights load(ModelSource source, ModelConfig c, int layer, TensorShard shard) {
        String p = "blk." + layer + ".";
        int qDim = c.numHeads() * c.headDim();
        int kvDim = c.numKvHeads() * c.headDim();
        int q0 = shard.first(qDim);
        int q1 = shard.end(qDim);
        int kv0 = shard.first(kvDim);
        int kv1 = shard.end(kvDim);
        int h0 = shard.first(c.hiddenDim());
        int h1 = shard.end(c.hiddenDim());
        float[] bq = new float[0];
        float[] bk = new float[0];
        float[] bv = new float[0];
        if (c.qkvBias()) {
            bq = Arrays.copyOfRange(TensorArrays.floats(source.require(p + "attn_q.bias"), qDim), q0, q1);
            bk = Arrays.copyOfRange(TensorArrays.floats(source.require(p + "attn_k.bias"), kvDim), kv0, kv1);
            bv = Arrays.copyOfRange(TensorArrays.floats(source.require(p + "attn_v.bias"), kvDim), kv0, kv1);
        }
        return new LayerWeights(
                TensorArrays.floats(source.require(p + "attn_norm.weight"), c.dim()),
                rows(matrix(source, p + "attn_q.weight", qDim, c.dim()), q0, q1, shard),
                rows(matrix(source, p + "attn_k.weight", kvDim, c.dim()), kv0, kv1, shard),
                rows(matrix(source, p + "attn_v.weight", kvDim, c.dim()), kv0, kv1, shard),
                columns(matrix(source, p + "attn_output.weight", c.dim(), qDim), q0, q1, shard),
                bq, bk, bv,
                TensorArrays.floats(source.require(p + "ffn_norm.weight"), c.dim()),
                rows(matrix(source, p + "ffn_gate.weight", c.hiddenDim(), c.dim()), h0, h1, shard),
                rows(matrix(source, p + "ffn_up.weight", c.hiddenDim(), c.dim()), h0, h1, shard),
                columns(matrix(source, p + "ffn_down.weight", c.dim(), c.hiddenDim()), h0, h1, shard));
    }

    private static Matrix rows(Matrix m, int from, int to, TensorShard shard) {
        return shard.isWhole() ? m : m.rows(from, to);
    }

    private static Matrix columns(Matrix m, int from, int to, TensorShard shard) {
        return shard.isWhole() ? m : m.columns(from, to);
    }

    /** A weight matrix of the expected shape ({@code rows} outputs of {@code cols} inputs). */
    static Matrix matrix(ModelSource source, String name, int rows, int cols) {
        Matrix m = Matrix.of(source.require(name));
        if (m.rows() != rows || m.cols() != cols) {
            throw new IllegalArgumentException(source.location() + ": tensor " + name + " is " + m.rows() + " x "
                    + m.cols() + " (rows x row length), expected " + rows + " x " + cols);
        }
        return m;
    }
}
