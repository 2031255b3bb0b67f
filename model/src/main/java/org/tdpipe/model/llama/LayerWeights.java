package org.tdpipe.model.llama;

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
        String p = "blk." + layer + ".";
        int qDim = c.numHeads() * c.headDim();
        int kvDim = c.numKvHeads() * c.headDim();
        float[] bq = new float[0];
        float[] bk = new float[0];
        float[] bv = new float[0];
        if (c.qkvBias()) {
            bq = TensorArrays.floats(source.require(p + "attn_q.bias"), qDim);
            bk = TensorArrays.floats(source.require(p + "attn_k.bias"), kvDim);
            bv = TensorArrays.floats(source.require(p + "attn_v.bias"), kvDim);
        }
        return new LayerWeights(
                TensorArrays.floats(source.require(p + "attn_norm.weight"), c.dim()),
                matrix(source, p + "attn_q.weight", qDim, c.dim()),
                matrix(source, p + "attn_k.weight", kvDim, c.dim()),
                matrix(source, p + "attn_v.weight", kvDim, c.dim()),
                matrix(source, p + "attn_output.weight", c.dim(), qDim),
                bq, bk, bv,
                TensorArrays.floats(source.require(p + "ffn_norm.weight"), c.dim()),
                matrix(source, p + "ffn_gate.weight", c.hiddenDim(), c.dim()),
                matrix(source, p + "ffn_up.weight", c.hiddenDim(), c.dim()),
                matrix(source, p + "ffn_down.weight", c.dim(), c.hiddenDim()));
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
