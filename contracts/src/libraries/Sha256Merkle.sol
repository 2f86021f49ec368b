// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// @title Sha256Merkle
/// @notice Verifies inclusion proofs in the SHA-256 Merkle tree specified in docs/MERKLE.md,
/// the same tree the Python core and the browser build over file chunks, records and
/// document batches.
/// @dev Leaves are SHA-256(0x00 || data), inner nodes SHA-256(0x01 || left || right); an odd
/// last node of a level is promoted unchanged. Hashing goes through the SHA-256 precompile.
library Sha256Merkle {
    /// @notice Leaf hash of a document in a batch: SHA-256(0x00 || documentHash).
    /// @param documentHash The 32-byte SHA-256 of the document.
    /// @return The leaf hash to prove against a batch root.
    function leafHash(bytes32 documentHash) internal pure returns (bytes32) {
        return sha256(abi.encodePacked(bytes1(0x00), documentHash));
    }

    /// @notice Inner node hash: SHA-256(0x01 || left || right).
    /// @param left The hash of the left child.
    /// @param right The hash of the right child.
    /// @return The hash of the parent node.
    function nodeHash(bytes32 left, bytes32 right) internal pure returns (bytes32) {
        return sha256(abi.encodePacked(bytes1(0x01), left, right));
    }

    /// @notice Checks that `leaf` is leaf number `index` of a `count`-leaf tree with root `root`.
    /// @dev Returns false, never reverts, for a malformed proof: `count` of zero, `index` not
    /// below `count`, the empty-tree root (zero), or a sibling list that is too short or too long.
    /// @param root The Merkle root committed to.
    /// @param leaf The leaf hash (already SHA-256(0x00 || data)), not the raw data.
    /// @param index Zero-based position of the leaf.
    /// @param count Number of leaves in the tree.
    /// @param siblings Sibling hashes from the leaf level upwards; levels where the node is
    /// promoted contribute none.
    /// @return True if the proof is well formed and leads to `root`.
    function verify(
        bytes32 root,
        bytes32 leaf,
        uint256 index,
        uint256 count,
        bytes32[] calldata siblings
    ) internal pure returns (bool) {
        if (count == 0 || index >= count || root == bytes32(0)) return false;
        bytes32 node = leaf;
        uint256 used = 0;
        uint256 width = count;
        while (width > 1) {
            bool isRightChild = index % 2 == 1;
            // A left child without a right neighbour is the promoted odd node: no sibling.
            if (isRightChild || index + 1 < width) {
                if (used == siblings.length) return false;
                bytes32 sibling = siblings[used];
                node = isRightChild ? nodeHash(sibling, node) : nodeHash(node, sibling);
                ++used;
            }
            index /= 2;
            width = width / 2 + width % 2;
        }
        return used == siblings.length && node == root;
    }
}
